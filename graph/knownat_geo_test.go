package graph

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	"github.com/cccs13/cccs-graph/store"
)

// territories(filter: {containsPoint, bbox}, knownAt) finds what the
// geometries held then: a territory moved since is found where it was.
func TestKnownAtFindsTerritoriesByTheirGeometryThen(t *testing.T) {
	e := newEditing(t)
	layer := func(west, south float64) {
		t.Helper()
		ring := func(x, y float64) []float64 { return []float64{x, y} }
		square := map[string]any{"type": "Polygon", "coordinates": [][][]float64{{
			ring(west, south), ring(west+0.1, south), ring(west+0.1, south+0.1), ring(west, south+0.1), ring(west, south)}}}
		data, _ := json.Marshal(map[string]any{"type": "FeatureCollection", "features": []any{map[string]any{
			"type": "Feature", "properties": map[string]any{"code": "99001", "nom": "Commune de test"}, "geometry": square}}})
		if _, err := e.s.ImportLayer(ctx, store.Layer{Kind: "commune", File: store.File{Name: "test.geojson", Data: data}}); err != nil {
			t.Fatal(err)
		}
	}
	layer(5, 43)
	time.Sleep(2 * time.Millisecond)
	mark := time.Now().UTC()
	time.Sleep(2 * time.Millisecond)
	layer(6, 43)

	q := `query($k: DateTime) {
	  there: territories(knownAt: $k, filter: {containsPoint: {lon: 5.05, lat: 43.05}, kinds: [COMMUNE]}) { nodes { id } }
	  box: territories(knownAt: $k, filter: {bbox: [6.02, 43.02, 6.08, 43.08], kinds: [COMMUNE]}) { nodes { id } } }`
	type answer struct {
		There, Box struct{ Nodes []struct{ ID string } }
	}
	ids := func(c struct{ Nodes []struct{ ID string } }) (out []string) {
		for _, n := range c.Nodes {
			out = append(out, n.ID)
		}
		return out
	}
	var then, now answer
	query(t, e.c, q, &then, client.Var("k", mark.Format(time.RFC3339Nano)))
	query(t, e.c, q, &now, client.Var("k", nil))
	want := []string{"insee-99001"}
	if !slices.Equal(ids(then.There), want) || ids(then.Box) != nil {
		t.Errorf("then: at the old place %v, in the new box %v; want %v and none", ids(then.There), ids(then.Box), want)
	}
	if ids(now.There) != nil || !slices.Equal(ids(now.Box), want) {
		t.Errorf("now: at the old place %v, in the new box %v; want none and %v", ids(now.There), ids(now.Box), want)
	}
}
