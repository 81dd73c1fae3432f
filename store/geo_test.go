package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/internal/geotest"
)

// withDefault opens an in-memory store holding the embedded default dataset.
func withDefault(t testing.TB) *Store {
	t.Helper()
	s := openTest(t)
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// importLayer imports a real layer file, or fails the test.
func importLayer(t testing.TB, s *Store, kind, name, source string) LayerResult {
	t.Helper()
	res, err := s.ImportLayer(ctx, Layer{Kind: kind, File: File{Name: name, Data: geotest.Read(t, name)}, Source: source})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// ids returns the ids of entries.
func ids(es []GeoEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}

func search(t testing.TB, s *Store, q GeoQuery) []string {
	t.Helper()
	es, err := s.GeoSearch(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	return ids(es)
}

func pointOf(p orb.Point) *Point { return &Point{p[0], p[1]} }

func TestImportCommunesJoinsOnCodeAndIsIdempotent(t *testing.T) {
	s := withDefault(t)
	v0, _ := s.DataVersion(ctx)
	res := importLayer(t, s, "commune", geotest.Communes, "cog-insee-2018")
	// The dataset's communes already cite cog-insee-2018 and lie in fr-13:
	// only the geometries are new.
	if res.Features != 119 || res.Created != 0 || res.Unchanged != 119 || res.GeometriesWritten != 119 || res.RelationsWritten != 0 {
		t.Fatalf("first import = %+v, want 119 geometries joined to the 119 existing communes", res)
	}
	v1, _ := s.DataVersion(ctx)
	if v1 == v0 {
		t.Error("the data version did not move on an import that wrote")
	}
	if l := s.GeoLayers(ctx); len(l) != 1 || l[0].Type != "commune" || l[0].Count != 119 {
		t.Errorf("GeoLayers = %+v, want 119 communes", l)
	}
	again := importLayer(t, s, "commune", geotest.Communes, "cog-insee-2018")
	if again.Changed() {
		t.Errorf("second import = %+v, want nothing written", again)
	}
	if v2, _ := s.DataVersion(ctx); v2 != v1 {
		t.Errorf("data version moved from %d to %d on a no-op import", v1, v2)
	}
	// The name stays the dataset's (with its article), never the file's.
	n, err := s.Node(ctx, "insee-13028")
	if err != nil || n.Name != "La Ciotat" {
		t.Errorf("13028 = %+v, %v; want the dataset's name La Ciotat", n, err)
	}
}

func TestImportIntoEmptyStoreCreatesTerritoriesAndSource(t *testing.T) {
	s := openTest(t)
	res := importLayer(t, s, "commune", geotest.Communes, "")
	if res.Created != 119 || !res.SourceWritten {
		t.Fatalf("import = %+v, want 119 new communes and a source node", res)
	}
	n, err := s.Node(ctx, "insee-13055")
	if err != nil {
		t.Fatal(err)
	}
	src := "layer-commune-communes-13-bouches-du-rhone"
	if n.Name != "Marseille" || n.Field("code") != "13055" || n.Sources[0].Source != src ||
		n.Sources[0].Excerpt != `{"code":"13055","nom":"Marseille"}` {
		t.Errorf("insee-13055 = %+v", n)
	}
	if sn, err := s.Node(ctx, src); err != nil || sn.Kind != "source" || sn.Field("file") != geotest.Communes {
		t.Errorf("source node = %+v, %v", sn, err)
	}
	if again := importLayer(t, s, "commune", geotest.Communes, ""); again.Changed() {
		t.Errorf("second import = %+v, want nothing written", again)
	}
}

func TestPointInCommune(t *testing.T) {
	s := withDefault(t)
	importLayer(t, s, "commune", geotest.Communes, "cog-insee-2018")
	for name, tc := range map[string]struct {
		p    orb.Point
		want []string
	}{
		"Marseille":       {geotest.MarseillePoint, []string{"insee-13055"}},
		"Aix-en-Provence": {geotest.AixPoint, []string{"insee-13001"}},
		"at sea":          {orb.Point{5.2, 43.1}, nil},
	} {
		if got := search(t, s, GeoQuery{Point: pointOf(tc.p)}); !slices.Equal(got, tc.want) {
			t.Errorf("%s: point %v is in %v, want %v", name, tc.p, got, tc.want)
		}
	}
}

// etangDeBerre is a box around the Étang de Berre, north of Marseille.
var etangDeBerre = BBox{4.98, 43.40, 5.24, 43.56}

func TestBBoxAroundEtangDeBerre(t *testing.T) {
	s := withDefault(t)
	importLayer(t, s, "commune", geotest.Communes, "cog-insee-2018")
	got := search(t, s, GeoQuery{BBox: &etangDeBerre, Types: []string{"commune"}})
	for _, code := range []string{"13056", "13014", "13047", "13117", "13054", "13092", "13081"} {
		if !slices.Contains(got, "insee-"+code) {
			t.Errorf("shore commune %s missing from %v", code, got)
		}
	}
	if slices.Contains(got, "insee-13055") {
		t.Errorf("Marseille is in the Étang de Berre box: %v", got)
	}
	if got := search(t, s, GeoQuery{BBox: &etangDeBerre, Types: []string{"canton"}}); len(got) != 0 {
		t.Errorf("cantons in the box before any canton was imported: %v", got)
	}
}

func TestBBoxIsExactNotJustBBoxes(t *testing.T) {
	s := withDefault(t)
	importLayer(t, s, "commune", geotest.Communes, "cog-insee-2018")
	// A small box in the sea south of La Ciotat's bbox corner meets the bbox
	// of Marseille's archipelago but no land.
	sea := BBox{5.30, 43.18, 5.31, 43.19}
	es, _ := s.geo.Load().candidates(GeoQuery{BBox: &sea})
	if got := search(t, s, GeoQuery{BBox: &sea}); len(es) == 0 || len(got) != 0 {
		t.Errorf("sea box: %d bbox candidates, %v matched; want candidates and no match", len(es), got)
	}
	// A box inside Marseille, far from its outline, meets it.
	inner := BBox{5.39, 43.30, 5.40, 43.31}
	if got := search(t, s, GeoQuery{BBox: &inner}); !slices.Equal(got, []string{"insee-13055"}) {
		t.Errorf("box inside Marseille matched %v", got)
	}
}

func TestOtherOfficialLayers(t *testing.T) {
	s := withDefault(t)
	importLayer(t, s, "commune", geotest.Communes, "cog-insee-2018")
	if res := importLayer(t, s, "departement", geotest.Departement, ""); res.Created != 0 || res.Updated != 1 {
		t.Errorf("département (a bare Feature) = %+v, want fr-13 joined and updated with a citation", res)
	}
	arr := importLayer(t, s, "arrondissement", geotest.Arrondissements, "")
	can := importLayer(t, s, "canton", geotest.Cantons, "")
	if arr.Created != 4 || can.Created != 29 {
		t.Errorf("arrondissements %+v, cantons %+v: want 4 and 29 created", arr, can)
	}
	// Arrondissement 13001 and canton 13001 share their code with the commune
	// Aix-en-Provence: features join on (type, code).
	for id, want := range map[string]string{"insee-13001": "commune", "arr-13001": "arrondissement", "canton-13001": "canton", "fr-13": "departement"} {
		n, err := s.Node(ctx, id)
		if err != nil || n.Field("type") != want {
			t.Errorf("%s = %+v, %v; want a %s", id, n, err, want)
		}
	}
	rels, _ := s.Relations(ctx, []RelQuery{{ID: "canton-13012", Dir: domain.Out, Kinds: []domain.RelKind{"part-of"}}})
	if len(rels[0]) != 1 || rels[0][0].To != "fr-13" {
		t.Errorf("canton 13012 part-of = %+v, want fr-13", rels[0])
	}
	got := search(t, s, GeoQuery{Point: pointOf(geotest.MarseillePoint)})
	want := []string{"arr-13003", "canton-13015", "fr-13", "insee-13055"}
	if len(got) != 4 || got[0] != want[0] || got[2] != want[2] || got[3] != want[3] || !strings.HasPrefix(got[1], "canton-") {
		t.Errorf("Marseille point is in %v, want an arrondissement, a canton, the département and the commune like %v", got, want)
	}
}

func TestZonesFromHalvesOfACommune(t *testing.T) {
	s := withDefault(t)
	importLayer(t, s, "commune", geotest.Communes, "cog-insee-2018")
	if _, err := s.Import(ctx, File{Name: "facility.yaml", Data: []byte(`nodes:
  - id: cs-test
    kind: facility
    name: Centre social de test
    sources: [{source: cog-insee-2018}]
`)}); err != nil {
		t.Fatal(err)
	}
	zones := geotest.Zones(t, "cs-test")
	res, err := s.ImportLayer(ctx, Layer{Kind: "zone-de-vie-sociale", File: File{Name: "zones-aix.geojson", Data: zones}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 3 || res.RelationsWritten != 4 {
		t.Fatalf("zones import = %+v, want 3 zones, 3 part-of and 1 serves", res)
	}
	rels, _ := s.Relations(ctx, []RelQuery{{ID: "zvs-13001-est", Dir: domain.Both, Kinds: []domain.RelKind{"part-of", "serves"}}})
	var links []string
	for _, r := range rels[0] {
		links = append(links, string(r.Kind)+":"+r.From+">"+r.To)
	}
	if !slices.Equal(links, []string{"part-of:zvs-13001-est>insee-13001", "serves:cs-test>zvs-13001-est"}) {
		t.Errorf("zone relations = %v", links)
	}
	zonesAt := func(p orb.Point) []string {
		return search(t, s, GeoQuery{Point: pointOf(p), Types: []string{"zone-de-vie-sociale"}})
	}
	// AixPoint lies in the hole of the MultiPolygon 13001-est, which is the zone 13001-centre.
	if got := zonesAt(geotest.AixPoint); !slices.Equal(got, []string{"zvs-13001-centre"}) {
		t.Errorf("AixPoint is in zones %v, want only the centre (the hole of 13001-est)", got)
	}
	if got := zonesAt(geotest.EastPoint); !slices.Equal(got, []string{"zvs-13001-est"}) {
		t.Errorf("EastPoint is in zones %v, want 13001-est", got)
	}
	var commune string
	s.Features(ctx, []string{"zvs-13001-est"}, func(f *Feature) error { commune = f.Commune; return nil })
	if commune != "13001" {
		t.Errorf("Feature.Commune = %q, want 13001", commune)
	}
}

// layerWith returns a one-feature layer with the given properties and geometry JSON.
func layerWith(props, geometry string) []byte {
	return []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":` + props + `,"geometry":` + geometry + `}]}`)
}

const (
	square    = `{"type":"Polygon","coordinates":[[[5,43],[5.1,43],[5.1,43.1],[5,43.1],[5,43]]]}`
	okProps   = `{"code":"99001","nom":"Test"}`
	zoneProps = `{"code":"z1","nom":"Zone","commune":"13055"}`
)

func TestBadLayersAreRefusedWhole(t *testing.T) {
	s := withDefault(t)
	importLayer(t, s, "commune", geotest.Communes, "cog-insee-2018")
	good := `{"type":"Feature","properties":{"code":"99002","nom":"Good"},"geometry":` + square + `}`
	for name, tc := range map[string]struct {
		kind, data, want string
	}{
		"not json":             {"commune", `{"type":`, "not valid GeoJSON"},
		"latin-1":              {"commune", string(layerWith(`{"code":"99001","nom":"L'`+"\xe9"+`tang"}`, square)), "not valid GeoJSON: line 1: byte 0xE9 is not UTF-8"},
		"bare geometry":        {"commune", square, `GeoJSON "Polygon"`},
		"projected":            {"commune", string(layerWith(okProps, `{"type":"Polygon","coordinates":[[[893000,6250000],[894000,6250000],[894000,6251000],[893000,6250000]]]}`)), "not in WGS84"},
		"crs member":           {"commune", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":[` + good + `]}`, `not in WGS84: its crs is "urn:ogc:def:crs:EPSG::2154"`},
		"unclosed ring":        {"commune", string(layerWith(okProps, `{"type":"Polygon","coordinates":[[[5,43],[5.1,43],[5.1,43.1],[5,43.1]]]}`)), "unclosed ring"},
		"short ring":           {"commune", string(layerWith(okProps, `{"type":"Polygon","coordinates":[[[5,43],[5.1,43],[5,43]]]}`)), "at least 4 positions"},
		"flat ring":            {"commune", string(layerWith(okProps, `{"type":"Polygon","coordinates":[[[5,43],[5.1,43],[5.2,43],[5,43]]]}`)), "encloses no area"},
		"hole outside":         {"commune", string(layerWith(okProps, `{"type":"Polygon","coordinates":[[[5,43],[5.1,43],[5.1,43.1],[5,43.1],[5,43]],[[6,44],[6.1,44],[6.1,44.1],[6,44]]]}`)), "hole that lies outside"},
		"short position":       {"commune", string(layerWith(okProps, `{"type":"Polygon","coordinates":[[[5],[5.1,43],[5.1,43.1],[5],[5]]]}`)), "position 1 has 1 number"},
		"null geometry":        {"commune", string(layerWith(okProps, `null`)), "empty geometry"},
		"empty coords":         {"commune", string(layerWith(okProps, `{"type":"MultiPolygon","coordinates":[]}`)), "empty geometry"},
		"empty polygon":        {"commune", string(layerWith(okProps, `{"type":"MultiPolygon","coordinates":[[]]}`)), "empty polygon"},
		"point":                {"commune", string(layerWith(okProps, `{"type":"Point","coordinates":[5,43]}`)), `geometry type "Point"`},
		"unknown property":     {"commune", string(layerWith(`{"code":"99001","nom":"x","population":3}`, square)), `unknown property "population"`},
		"numeric code":         {"commune", string(layerWith(`{"code":13055,"nom":"x"}`, square)), "property code must be a string"},
		"no code":              {"commune", string(layerWith(`{"nom":"x"}`, square)), "property code is required"},
		"no nom when new":      {"commune", string(layerWith(`{"code":"99001"}`, square)), "property nom is required"},
		"duplicate code":       {"commune", `{"type":"FeatureCollection","features":[` + good + `,` + good + `]}`, "feature 2 (code \"99002\"): duplicate code, feature 1 has it too"},
		"wrong type prop":      {"commune", string(layerWith(`{"code":"99001","nom":"x","type":"canton"}`, square)), `property type is "canton"`},
		"zone no commune":      {"zone-de-vie-sociale", string(layerWith(`{"code":"z1","nom":"Zone"}`, square)), "property commune is required"},
		"zone bad commune":     {"zone-de-vie-sociale", string(layerWith(`{"code":"z1","nom":"Zone","commune":"99999"}`, square)), `commune "99999"`},
		"zone facility":        {"zone-de-vie-sociale", string(layerWith(`{"code":"z1","nom":"Zone","commune":"13055","facilities":["caf-13"]}`, square)), `facility "caf-13" is not a node of kind facility`},
		"commune on a commune": {"commune", string(layerWith(`{"code":"99001","nom":"x","commune":"13055"}`, square)), `unknown property "commune"`},
		"unknown kind":         {"planet", string(layerWith(okProps, square)), "unknown territory type"},
	} {
		t.Run(name, func(t *testing.T) {
			v0, _ := s.DataVersion(ctx)
			_, err := s.ImportLayer(ctx, Layer{Kind: tc.kind, File: File{Name: "bad.geojson", Data: []byte(tc.data)}})
			if domain.ErrorCode(err) != domain.EBADINPUT || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want BAD_USER_INPUT with %q", err, tc.want)
			}
			if v1, _ := s.DataVersion(ctx); v1 != v0 {
				t.Errorf("a refused layer moved the data version from %d to %d", v0, v1)
			}
		})
	}
	if _, err := s.Node(ctx, "insee-99002"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("a good feature of a refused layer was written: %v", err)
	}
}

func TestEveryProblemIsReported(t *testing.T) {
	s := openTest(t)
	data := `{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"code":"a","nom":"A","colour":"red"},"geometry":` + square + `},
		{"type":"Feature","properties":{"code":"b","nom":"B"},"geometry":null},
		{"type":"Feature","properties":{"code":"c","nom":"C"},"geometry":{"type":"Polygon","coordinates":[[[500,43],[5.1,43],[5.1,43.1],[500,43]]]}}]}`
	_, err := s.ImportLayer(ctx, Layer{Kind: "commune", File: File{Name: "three.geojson", Data: []byte(data)}})
	msg := domain.ErrorMessage(err)
	for _, want := range []string{"3 problem(s)", `feature 1 (code "a"): unknown property "colour"`, `feature 2 (code "b"): empty geometry`, `feature 3 (code "c"): ring 1: position 1 [500, 43] is outside`} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
}

func TestStoredGeometryIsRFC7946(t *testing.T) {
	s := withDefault(t)
	// A clockwise exterior ring, as many tools write it, is rewound.
	cw := `{"type":"Polygon","coordinates":[[[5,43],[5,43.1],[5.1,43.1],[5.1,43],[5,43]]]}`
	if _, err := s.ImportLayer(ctx, Layer{Kind: "commune", File: File{Name: "cw.geojson", Data: layerWith(okProps, cw)}}); err != nil {
		t.Fatal(err)
	}
	g, err := s.Geometry(ctx, "insee-99001")
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"Polygon","coordinates":[[[5,43],[5.1,43],[5.1,43.1],[5,43.1],[5,43]]]}`; string(g.GeoJSON) != want {
		t.Errorf("stored %s, want the ring counterclockwise %s", g.GeoJSON, want)
	}
	if g.BBox != (BBox{5, 43, 5.1, 43.1}) || abs(g.Centroid.Lon-5.05) > 1e-9 || abs(g.Centroid.Lat-43.05) > 1e-9 {
		t.Errorf("bbox %v centroid %v", g.BBox, g.Centroid)
	}
	if _, err := s.Geometry(ctx, "insee-13055"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("geometry of a commune without one: %v, want NOT_FOUND", err)
	}
}

func abs(f float64) float64 { return max(f, -f) }

func TestSimplify(t *testing.T) {
	s := withDefault(t)
	importLayer(t, s, "commune", geotest.Communes, "cog-insee-2018")
	g, _ := s.Geometry(ctx, "insee-13055")
	light, err := SimplifyGeoJSON(g.GeoJSON, 0.005)
	if err != nil {
		t.Fatal(err)
	}
	mp, err := parseStored(light)
	if err != nil || len(light) >= len(g.GeoJSON)/2 || len(mp) == 0 {
		t.Fatalf("simplified Marseille: %d bytes of %d, %d polygons, %v", len(light), len(g.GeoJSON), len(mp), err)
	}
	for _, p := range mp {
		for _, r := range p {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				t.Fatalf("simplified ring %v is not a valid ring", r)
			}
		}
	}
	if huge, _ := SimplifyGeoJSON(g.GeoJSON, 10); !json.Valid(huge) || len(huge) == 0 {
		t.Errorf("a huge tolerance gave %s", huge)
	}
	if same, _ := SimplifyGeoJSON(g.GeoJSON, 0); !bytes.Equal(same, g.GeoJSON) {
		t.Error("tolerance 0 changed the geometry")
	}
	if _, err := SimplifyGeoJSON(g.GeoJSON, -1); domain.ErrorCode(err) != domain.EBADINPUT {
		t.Errorf("negative tolerance: %v", err)
	}
}

func TestBadQueries(t *testing.T) {
	s := openTest(t)
	for _, q := range []GeoQuery{
		{BBox: &BBox{5, 44, 6, 43}},
		{BBox: &BBox{-200, 43, 6, 44}},
		{Point: &Point{5, 95}},
	} {
		if _, err := s.GeoSearch(ctx, q); domain.ErrorCode(err) != domain.EBADINPUT {
			t.Errorf("GeoSearch(%+v) = %v, want BAD_USER_INPUT", q, err)
		}
	}
}

func TestIndexIsRebuiltAtOpenAndRestore(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	importLayer(t, s, "commune", geotest.Communes, "")
	var backup bytes.Buffer
	if err := s.Backup(ctx, &backup); err != nil {
		t.Fatal(err)
	}
	s.Close()
	reopened, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	restored := openTest(t)
	if err := restored.Restore(ctx, bytes.NewReader(backup.Bytes())); err != nil {
		t.Fatal(err)
	}
	for name, st := range map[string]*Store{"reopened": reopened, "restored": restored} {
		if got := search(t, st, GeoQuery{Point: pointOf(geotest.MarseillePoint)}); !slices.Equal(got, []string{"insee-13055"}) {
			t.Errorf("%s store: Marseille point in %v", name, got)
		}
	}
}

func TestAntimeridianBox(t *testing.T) {
	s := openTest(t)
	fiji := `{"type":"Polygon","coordinates":[[[179,-17],[179.5,-17],[179.5,-16],[179,-16],[179,-17]]]}`
	samoa := `{"type":"Polygon","coordinates":[[[-172,-14],[-171,-14],[-171,-13],[-172,-13],[-172,-14]]]}`
	data := `{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"code":"fj","nom":"Fidji"},"geometry":` + fiji + `},
		{"type":"Feature","properties":{"code":"ws","nom":"Samoa"},"geometry":` + samoa + `}]}`
	if _, err := s.ImportLayer(ctx, Layer{Kind: "itc-territory", File: File{Name: "pacific.geojson", Data: []byte(data)}}); err != nil {
		t.Fatal(err)
	}
	across := BBox{178, -20, -170, -10}
	if got := search(t, s, GeoQuery{BBox: &across}); !slices.Equal(got, []string{"itc-fj", "itc-ws"}) {
		t.Errorf("box across the antimeridian matched %v", got)
	}
}

func TestDatasetImportKeepsTheIndexTypes(t *testing.T) {
	s := openTest(t)
	if _, err := s.ImportLayer(ctx, Layer{Kind: "commune", File: File{Name: "one.geojson", Data: layerWith(okProps, square)}}); err != nil {
		t.Fatal(err)
	}
	// The dataset says 99001 is in fact a canton: the index follows.
	if _, err := s.Import(ctx, File{Name: "retype.yaml", Data: []byte(`nodes:
  - id: insee-99001
    kind: territory
    name: Test
    fields: {type: canton, code: "99001"}
    sources: [{source: layer-commune-one}]
`)}); err != nil {
		t.Fatal(err)
	}
	p := &Point{5.05, 43.05}
	if got := search(t, s, GeoQuery{Point: p, Types: []string{"canton"}}); !slices.Equal(got, []string{"insee-99001"}) {
		t.Errorf("cantons at %v: %v", p, got)
	}
	if l := s.GeoLayers(ctx); len(l) != 1 || l[0].Type != "canton" {
		t.Errorf("GeoLayers = %+v, want one canton", l)
	}
}

func TestLargeLayerIsWrittenWhole(t *testing.T) {
	// 35,000 small polygons (26 MB of GeoJSON) exceed what Badger takes in
	// one transaction: the import commits in several, published as one version.
	var feats []map[string]any
	for n := range gridCols * gridRows {
		code := fmt.Sprintf("g%05d", n)
		feats = append(feats, geotest.Feature(code, "Cellule "+code, gridCell(n%gridCols, n/gridCols)))
	}
	s := openTest(t)
	v0, _ := s.DataVersion(ctx)
	res, err := s.ImportLayer(ctx, Layer{Kind: "commune", File: File{Name: "france.geojson", Data: geotest.FeatureCollection(feats...)}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != len(feats) || res.GeometriesWritten != len(feats) {
		t.Fatalf("result %+v, want %d territories and geometries", res, len(feats))
	}
	if v1, _ := s.DataVersion(ctx); v1 != v0+1 {
		t.Errorf("data version %d -> %d: want one version for the whole layer", v0, v1)
	}
	// Nothing of it is visible at the version before.
	if n, err := s.At(v0).NodesOfKind(ctx, domain.KindTerritory); err != nil || len(n) != 0 {
		t.Errorf("at the version before: %d territories, %v", len(n), err)
	}
	if n, _ := s.NodesOfKind(ctx, domain.KindTerritory); len(n) != len(feats) {
		t.Errorf("after: %d territories, want %d", len(n), len(feats))
	}
}

// A view of an earlier version (knownAt) finds territories by the geometries
// they had then, not by the index of the latest version.
func TestGeoSearchOfAnEarlierVersion(t *testing.T) {
	s := withDefault(t)
	layer := func(geometry string) {
		t.Helper()
		if _, err := s.ImportLayer(ctx, Layer{Kind: "commune", File: File{Name: "test.geojson", Data: layerWith(okProps, geometry)}}); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := s.DataVersion(ctx)
	layer(square)
	first, _ := s.DataVersion(ctx)
	moved := strings.ReplaceAll(strings.ReplaceAll(square, "[5,", "[6,"), "[5.1,", "[6.1,")
	layer(moved)
	if _, err := s.Import(ctx, File{Name: "other.yaml", Data: []byte("nodes:\n  - id: cs-later\n    kind: facility\n    name: Centre social plus tard\n    sources: [{source: cog-insee-2018}]\n")}); err != nil {
		t.Fatal(err) // a write that changes no geometry: the index holds its version too
	}
	inOld, inNew := &Point{5.05, 43.05}, &Point{6.05, 43.05}
	box := &BBox{4.9, 42.9, 5.2, 43.2}
	id := []string{"insee-99001"}
	now, _ := s.DataVersion(ctx)
	// Readers of one earlier version at once: one reads its index.
	reads := s.Reads()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.At(first).GeoSearch(ctx, GeoQuery{Types: []string{"commune"}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := s.Reads() - reads; n != 1 {
		t.Errorf("eight readers of one earlier version read %d times, want once", n)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.At(before).GeoSearch(cancelled, GeoQuery{Point: inOld}); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled reader of an earlier version: %v", err)
	}
	for _, tc := range []struct {
		name string
		v    uint64
		q    GeoQuery
		want []string
	}{
		{"before: point", before, GeoQuery{Point: inOld, Types: []string{"commune"}}, nil},
		{"first: old point", first, GeoQuery{Point: inOld, Types: []string{"commune"}}, id},
		{"first: new point", first, GeoQuery{Point: inNew, Types: []string{"commune"}}, nil},
		{"first: box", first, GeoQuery{BBox: box, Types: []string{"commune"}}, id},
		{"first: every commune", first, GeoQuery{Types: []string{"commune"}}, id},
		{"now: old point", now, GeoQuery{Point: inOld, Types: []string{"commune"}}, nil},
		{"now: new point", now, GeoQuery{Point: inNew, Types: []string{"commune"}}, id},
		{"now: box", now, GeoQuery{BBox: box, Types: []string{"commune"}}, nil},
	} {
		for _, view := range []*Store{s.At(tc.v), s.At(tc.v)} { // the second from the kept index
			if got := search(t, view, tc.q); !slices.Equal(got, tc.want) {
				t.Errorf("%s at version %d: %v, want %v", tc.name, tc.v, got, tc.want)
			}
		}
	}
	if got := search(t, s, GeoQuery{Point: inNew, Types: []string{"commune"}}); !slices.Equal(got, id) {
		t.Errorf("the latest version: new point in %v, want %v", got, id)
	}
}
