package graph

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/paulmach/orb"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/internal/geotest"
	"github.com/cccs13/cccs-graph/internal/geotest/geostore"
	"github.com/cccs13/cccs-graph/store"
)

// geoStore returns a store with the default dataset, the real communes and
// zones built from halves of Aix-en-Provence (geostore.New).
func geoStore(t *testing.T) *store.Store { return geostore.New(t) }

type territoryNode struct {
	ID, Code, Type string
	Geometry       any
	Centroid       *struct{ Lon, Lat float64 }
	Bbox           []float64
	Parent         *struct{ ID string }
	Facilities     []struct{ ID string }
}

func TestTerritoryGeometryCentroidBbox(t *testing.T) {
	s := geoStore(t)
	c := newClient(s)
	var resp struct{ Marseille, Departement territoryNode }
	query(t, c, `{
		marseille: node(id: "insee-13055") { ... on Territory { geometry centroid { lon lat } bbox } }
		departement: node(id: "fr-13") { ... on Territory { geometry centroid { lon lat } bbox } }
	}`, &resp)
	m := resp.Marseille
	stored, _ := s.Geometry(ctx, "insee-13055")
	got := rawJSON(m.Geometry)
	if !jsonEqual(t, got, stored.GeoJSON) {
		t.Errorf("geometry differs from the stored GeoJSON")
	}
	var g struct{ Type string }
	json.Unmarshal(got, &g)
	if g.Type != "MultiPolygon" {
		t.Errorf("Marseille geometry type %q, want MultiPolygon", g.Type)
	}
	if want := []float64{5.27796, 43.1727, 5.53249, 43.39102}; !slices.Equal(m.Bbox, want) {
		t.Errorf("bbox = %v, want %v", m.Bbox, want)
	}
	if m.Centroid == nil || m.Centroid.Lon < m.Bbox[0] || m.Centroid.Lon > m.Bbox[2] || m.Centroid.Lat < m.Bbox[1] || m.Centroid.Lat > m.Bbox[3] {
		t.Errorf("centroid %+v is outside the bbox %v", m.Centroid, m.Bbox)
	}
	if d := resp.Departement; d.Geometry != nil || d.Centroid != nil || d.Bbox != nil {
		t.Errorf("fr-13 has no imported geometry, got %+v", d)
	}
}

// rawJSON marshals a decoded value back to JSON.
func rawJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return string(ja) == string(jb)
}

func TestGeometryReadsAreBatched(t *testing.T) {
	s := geoStore(t)
	c := newClient(s)
	before := s.Reads()
	var resp struct {
		Territories struct{ Nodes []territoryNode }
	}
	query(t, c, `{ territories(first: 200, filter: {kinds: [COMMUNE]}) { nodes { geometry bbox centroid { lon } } } }`, &resp)
	if n := len(resp.Territories.Nodes); n != 119 {
		t.Fatalf("%d communes, want 119", n)
	}
	// The loader gathers keys for loaders.Wait: a level of 119 resolvers comes in a
	// few batches, never one read per territory.
	if reads := s.Reads() - before; reads > 30 {
		t.Errorf("119 geometries took %d read transactions, want them batched", reads)
	}
}

func TestSimplifyArgument(t *testing.T) {
	c := newClient(geoStore(t))
	var resp struct{ Full, Light territoryNode }
	query(t, c, `{
		full: node(id: "insee-13055") { ... on Territory { geometry } }
		light: node(id: "insee-13055") { ... on Territory { geometry(simplify: 0.005) } }
	}`, &resp)
	light, full := rawJSON(resp.Light.Geometry), rawJSON(resp.Full.Geometry)
	if resp.Light.Geometry == nil || len(light) >= len(full)/2 {
		t.Errorf("simplified geometry is %d bytes of %d", len(light), len(full))
	}
	wantCode(t, c, domain.EBADINPUT, `{ node(id: "insee-13055") { ... on Territory { geometry(simplify: -1) } } }`)
}

// codes runs a territories query and returns the codes of all matches;
// filter may use $p (a PointInput) and $b (a box) when given as vars.
func codes(t *testing.T, c *client.Client, filter string, vars ...client.Option) []string {
	t.Helper()
	var resp struct {
		Territories struct {
			TotalCount int
			Nodes      []territoryNode
		}
	}
	decl := ""
	if strings.Contains(filter, "$p") {
		decl += "$p: PointInput "
	}
	if strings.Contains(filter, "$b") {
		decl += "$b: [Float!] "
	}
	if decl != "" {
		decl = "(" + decl + ")"
	}
	query(t, c, `query`+decl+` { territories(first: 500, filter: `+filter+`) { totalCount nodes { id code } } }`, &resp, vars...)
	var out []string
	for _, n := range resp.Territories.Nodes {
		out = append(out, n.Code)
	}
	slices.Sort(out)
	return out
}

func point(p orb.Point) client.Option {
	return client.Var("p", map[string]float64{"lon": p[0], "lat": p[1]})
}

func TestTerritoriesInBox(t *testing.T) {
	c := newClient(geoStore(t))
	got := codes(t, c, `{kinds: [COMMUNE], bbox: $b}`, client.Var("b", []float64{4.98, 43.40, 5.24, 43.56}))
	for _, shore := range []string{"13056", "13014", "13047", "13117", "13054", "13092", "13081"} {
		if !slices.Contains(got, shore) {
			t.Errorf("shore commune %s missing from the Étang de Berre box: %v", shore, got)
		}
	}
	if slices.Contains(got, "13055") {
		t.Errorf("Marseille is in the Étang de Berre box: %v", got)
	}
}

func TestTerritoriesContainingPoint(t *testing.T) {
	c := newClient(geoStore(t))
	for name, tc := range map[string]struct {
		filter string
		p      orb.Point
		want   []string
	}{
		"Marseille":              {`{containsPoint: $p}`, geotest.MarseillePoint, []string{"13055"}},
		"Aix, every kind":        {`{containsPoint: $p}`, geotest.AixPoint, []string{"13001", "13001-centre"}},
		"Aix, communes":          {`{containsPoint: $p, kinds: [COMMUNE]}`, geotest.AixPoint, []string{"13001"}},
		"hole of 13001-est":      {`{containsPoint: $p, kinds: [ZONE_DE_VIE_SOCIALE]}`, geotest.AixPoint, []string{"13001-centre"}},
		"13001-est off the hole": {`{containsPoint: $p, kinds: [ZONE_DE_VIE_SOCIALE]}`, geotest.EastPoint, []string{"13001-est"}},
		"at sea":                 {`{containsPoint: $p}`, orb.Point{5.2, 43.1}, nil},
	} {
		if got := codes(t, c, tc.filter, point(tc.p)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v contains %v, want %v", name, tc.p, got, tc.want)
		}
	}
}

func TestHasGeometry(t *testing.T) {
	c := newClient(geoStore(t))
	with := codes(t, c, `{hasGeometry: true}`)
	without := codes(t, c, `{hasGeometry: false}`)
	all := codes(t, c, `{}`)
	if len(with) != 119+3 || len(with)+len(without) != len(all) || slices.Contains(without, "13055") {
		t.Errorf("%d with geometry, %d without, %d in all", len(with), len(without), len(all))
	}
	if got := codes(t, c, `{hasGeometry: false, containsPoint: $p}`, point(geotest.MarseillePoint)); len(got) != 0 {
		t.Errorf("a territory without geometry contains a point: %v", got)
	}
}

func TestZoneIsNestedAndServed(t *testing.T) {
	c := newClient(geoStore(t))
	var resp struct{ Node territoryNode }
	query(t, c, `{ node(id: "zvs-13001-est") { id ... on Territory { type code parent { id } facilities { id } } } }`, &resp)
	z := resp.Node
	if z.Type != "ZONE_DE_VIE_SOCIALE" || z.Parent == nil || z.Parent.ID != "insee-13001" || len(z.Facilities) != 1 || z.Facilities[0].ID != geostore.Facility {
		t.Errorf("zone = %+v, want a zone de vie sociale in insee-13001 served by cs-test", z)
	}
}

func TestBadGeoFilters(t *testing.T) {
	c := newClient(geoStore(t))
	for name, q := range map[string]string{
		"3 numbers":       `{ territories(filter: {bbox: [5, 43, 6]}) { totalCount } }`,
		"south > north":   `{ territories(filter: {bbox: [5, 44, 6, 43]}) { totalCount } }`,
		"lon out":         `{ territories(filter: {bbox: [-200, 43, 6, 44]}) { totalCount } }`,
		"lat out":         `{ territories(filter: {containsPoint: {lon: 5, lat: 100}}) { totalCount } }`,
		"point no lat":    `{ territories(filter: {containsPoint: {lon: 5}}) { totalCount } }`,
		"geometry input":  `{ territories(filter: {bbox: ["a", 1, 2, 3]}) { totalCount } }`,
		"simplify string": `{ node(id: "insee-13055") { ... on Territory { geometry(simplify: "x") } } }`,
	} {
		t.Run(name, func(t *testing.T) { wantCode(t, c, domain.EBADINPUT, q) })
	}
}
