package geo

import (
	"encoding/json"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"github.com/cccs13/cccs-graph/internal/geotest/geostore"
	"github.com/cccs13/cccs-graph/store"
)

// lambert93 is where GDAL puts the test centre of La Ciotat (5.6047,
// 43.1746) in EPSG:2154: `echo 5.6047 43.1746 | gdaltransform -s_srs
// EPSG:4326 -t_srs EPSG:2154` gives 911900.72 6234091.65. The GDAL tests
// compare a whole layer with GDAL's own reprojection.
var lambert93 = orb.Point{911900.72, 6234091.65}

func TestCRS(t *testing.T) {
	srv, _ := server(t)
	q := "/ogc/collections/facilities/items/cs-test-port?crs=" + url.QueryEscape(crsLambert.URI)
	resp, body := get(t, srv.URL+q)
	f := decode[struct {
		Geometry struct{ Coordinates []float64 }
	}](t, body)
	if resp.Header.Get("Content-Crs") != "<"+crsLambert.URI+">" || len(f.Geometry.Coordinates) != 2 || !strings.Contains(string(body), `"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}}`) ||
		math.Abs(f.Geometry.Coordinates[0]-lambert93[0]) > 0.01 || math.Abs(f.Geometry.Coordinates[1]-lambert93[1]) > 0.01 {
		t.Errorf("the centre in Lambert-93: %s, Content-Crs %q", body, resp.Header.Get("Content-Crs"))
	}
	// EPSG:4326 is latitude first.
	_, body = get(t, srv.URL+"/ogc/collections/facilities/items/cs-test-port?crs=EPSG:4326")
	if f = decode[struct {
		Geometry struct{ Coordinates []float64 }
	}](t, body); !slices.Equal(f.Geometry.Coordinates, []float64{43.1746, 5.6047}) {
		t.Errorf("the centre in EPSG:4326: %v", f.Geometry.Coordinates)
	}
	// A Lambert-93 box around the Vieux-Port, and the whole layer in Lambert-93.
	box := "891000,6246000,893000,6248000"
	fs := byID(t, srv.URL+"/ogc/collections/communes/items?bbox="+box+"&bbox-crs="+url.QueryEscape(crsLambert.URI))
	if len(fs) != 1 || fs["insee-13055"].ID == "" {
		t.Errorf("communes in a Lambert-93 box of the Vieux-Port: %v", fs)
	}
	resp, body = get(t, srv.URL+"/ogc/collections/communes/items?limit=200&crs="+url.QueryEscape(crsLambert.URI))
	if !strings.Contains(string(body), `"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}}`) {
		t.Errorf("no legacy crs member for GDAL 3.6 in %.200s", body)
	}
	for _, f := range decode[netCollection](t, body).Features {
		b := f.BBox
		if len(b) != 4 || b[0] < 780000 || b[2] > 1000000 || b[1] < 6200000 || b[3] > 6330000 {
			t.Fatalf("%s: bbox %v outside the Bouches-du-Rhône in Lambert-93", f.ID, b)
		}
	}
}

func TestGeometryTypes(t *testing.T) {
	srv, _ := server(t)
	types := map[string]int{}
	for _, f := range decode[netCollection](t, must(get(t, srv.URL+"/ogc/collections/communes/items?limit=200"))).Features {
		types[f.Geometry.Type]++
	}
	if types["MultiPolygon"] != 119 {
		t.Errorf("OGC communes: %v, want every one a MultiPolygon (Marseille is one)", types)
	}
	doc := decode[struct{ GeometryType string }](t, must(get(t, srv.URL+"/ogc/collections/communes")))
	zones := decode[struct{ GeometryType string }](t, must(get(t, srv.URL+"/ogc/collections/zones-de-vie-sociale")))
	if doc.GeometryType != "MultiPolygon" || zones.GeometryType != "MultiPolygon" {
		t.Errorf("geometry types: communes %q, zones %q", doc.GeometryType, zones.GeometryType)
	}
	clear(types)
	for _, f := range decode[netCollection](t, must(get(t, srv.URL+"/geo/communes.geojson"))).Features {
		types[f.Geometry.Type]++
	}
	if types["Polygon"] == 0 || types["MultiPolygon"] == 0 {
		t.Errorf("/geo keeps the imported types: %v", types)
	}
}

func TestFilter(t *testing.T) {
	srv, _ := server(t)
	for filter, want := range map[string][]string{
		"code = '13055'":                      {"insee-13055"},
		"signatory = TRUE AND code < '13010'": {"insee-13001"},
		"facilityCount >= 2 AND code >= '13020' AND code < '13030' OR nom = 'Arles'": {"insee-13004", "insee-13028"},
		"NOT (signatory = TRUE) AND code <= '13004'":                                 {"insee-13004"},
		"signatorySince < DATE('1995-01-01')":                                        {"insee-13055"},
		"S_INTERSECTS(geometry, BBOX(5.36, 43.29, 5.38, 43.30))":                     {"insee-13055"},
		"population = 38477 AND population IS NOT NULL":                              {"insee-13028"},
		"\"code\" = '13001' OR S_INTERSECTS(geometry, POINT(5.3698 43.2965))":        {"insee-13001", "insee-13055"},
	} {
		fs := byID(t, srv.URL+"/ogc/collections/communes/items?datetime=2015-06-01&filter="+url.QueryEscape(filter))
		var got []string
		for id := range fs {
			got = append(got, id)
		}
		if slices.Sort(got); !slices.Equal(got, want) {
			t.Errorf("filter %s: %v, want %v", filter, got, want)
		}
	}
	// The filter's geometry literals in Lambert-93.
	filter := url.QueryEscape("S_INTERSECTS(geometry, POINT(892390.22 6247035.26))")
	fs := byID(t, srv.URL+"/ogc/collections/communes/items?filter-crs="+url.QueryEscape(crsLambert.URI)+"&filter="+filter)
	if len(fs) != 1 || fs["insee-13055"].ID == "" {
		t.Errorf("a Lambert-93 point: %v", fs)
	}
	// /geo takes the same filter, and properties keeps some columns.
	resp, body := get(t, srv.URL+"/geo/communes.geojson?asOf=2019&properties=code,signatory&filter="+url.QueryEscape("signatory = TRUE AND code < '13005'"))
	if got := decode[netCollection](t, body); resp.StatusCode != 200 || len(got.Features) != 2 || len(got.Features[0].Properties) != 2 {
		t.Errorf("/geo with a filter and properties: %d %.300s", resp.StatusCode, body)
	}
	fs = byID(t, srv.URL+"/ogc/collections/facilities/items?datetime=2019-06-27&filter="+url.QueryEscape("federation = 'FED B' OR (type = 'centre-social' AND commune = '13028')"))
	if len(fs) != 2 || fs["cs-test-port"].ID == "" || fs["mpt-test"].ID == "" {
		t.Errorf("facilities by type or federation: %v", fs)
	}
}

func TestQueryables(t *testing.T) {
	srv, _ := server(t)
	resp, body := get(t, srv.URL+"/ogc/collections/communes/queryables")
	doc := decode[struct {
		Schema     string `json:"$schema"`
		Properties map[string]struct {
			Type   []string
			Format string
		}
	}](t, body)
	if resp.Header.Get("Content-Type") != mediaSchema || doc.Properties["geometry"].Format != "geometry-multipolygon" ||
		!slices.Equal(doc.Properties["population"].Type, []string{"integer", "null"}) || len(doc.Properties) != len(territoryProps)+1 {
		t.Errorf("queryables: %s %s", resp.Header.Get("Content-Type"), body)
	}
}

func TestTiles(t *testing.T) {
	srv, s := server(t)
	ciotat := maptile.At(orb.Point{5.6047, 43.1746}, 12)
	path := func(c string, tile maptile.Tile) string {
		return srv.URL + "/ogc/collections/" + c + "/tiles/WebMercatorQuad/" + strconv.Itoa(int(tile.Z)) + "/" + strconv.Itoa(int(tile.Y)) + "/" + strconv.Itoa(int(tile.X))
	}
	resp, body := get(t, path("communes", ciotat)+"?datetime=2019-06-27")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != mediaMVT || resp.Header.Get("ETag") == "" {
		t.Fatalf("tile: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	layers, err := mvt.Unmarshal(body)
	if err != nil || len(layers) != 1 || layers[0].Name != "communes" {
		t.Fatalf("tile layers: %v %v", layers, err)
	}
	var found bool
	for _, f := range layers[0].Features {
		if f.Properties["id"] == "insee-13028" {
			found = f.Properties["signatory"] == true && f.Properties["facilityCount"] == float64(2) && f.Geometry.GeoJSONType() != "Point"
		}
	}
	if !found {
		for _, f := range layers[0].Features {
			t.Logf("%v", f.Properties)
		}
		t.Errorf("La Ciotat not in its tile with its properties")
	}
	resp, body = get(t, path("facilities", ciotat)+"?datetime=2019-06-27")
	if layers, err := mvt.Unmarshal(body); err != nil || len(layers) != 1 || len(layers[0].Features) != 2 {
		t.Errorf("facilities tile: %d, %v %v", resp.StatusCode, layers, err)
	}
	// The tile is cached for the data version: 304 for its ETag, and an
	// import that adds a facility in it makes a new one.
	if again, _ := get(t, path("facilities", ciotat)+"?datetime=2019-06-27", "If-None-Match", resp.Header.Get("ETag")); again.StatusCode != 304 {
		t.Errorf("If-None-Match the tile's ETag: %d", again.StatusCode)
	}
	added := "nodes:\n  - {id: cs-test-2, kind: facility, name: Un autre centre, fields: {latitude: \"43.1800\", longitude: \"5.6040\"}, sources: [{source: cog-insee-2018}]}\n"
	if _, err := s.Import(ctx, store.File{Name: "joliette.yaml", Data: []byte(added)}); err != nil {
		t.Fatal(err)
	}
	_, body = get(t, path("facilities", ciotat)+"?datetime=2019-06-27")
	if layers, err := mvt.Unmarshal(body); err != nil || len(layers[0].Features) != 3 {
		t.Errorf("the facilities tile after an import: %v %v, want 3 features", layers, err)
	}
	// Lower zooms weigh less than the outline itself: simplified per zoom.
	_, z8 := get(t, path("communes", maptile.At(orb.Point{5.3698, 43.2965}, 8)))
	_, z14 := get(t, path("communes", maptile.At(orb.Point{5.3698, 43.2965}, 14)))
	if len(z8) == 0 || len(z14) == 0 {
		t.Errorf("tiles z8 %d bytes, z14 %d bytes", len(z8), len(z14))
	}
	// A tile in the sea off Corsica is empty.
	if resp, _ := get(t, path("communes", maptile.At(orb.Point{8.0, 42.0}, 10))); resp.StatusCode != 204 {
		t.Errorf("an empty tile: %d, want 204", resp.StatusCode)
	}
	tj := decode[struct {
		TileJSON     string `json:"tilejson"`
		Tiles        []string
		VectorLayers []struct {
			ID     string
			Fields map[string]string
		} `json:"vector_layers"`
	}](t, must(get(t, srv.URL+"/ogc/collections/communes/tiles/WebMercatorQuad/tilejson.json?datetime=2019-06-27")))
	if tj.TileJSON != "3.0.0" || len(tj.Tiles) != 1 || !strings.Contains(tj.Tiles[0], "/tiles/WebMercatorQuad/{z}/{y}/{x}?datetime=2019-06-27") ||
		len(tj.VectorLayers) != 1 || tj.VectorLayers[0].Fields["signatory"] != "Boolean" {
		t.Errorf("TileJSON: %+v", tj)
	}
	style := decode[struct {
		Version int
		Sources map[string]struct {
			Tiles       []string
			Attribution string
		}
		Layers []struct{ ID, Source string }
	}](t, must(get(t, srv.URL+"/ogc/styles/network")))
	if style.Version != 8 || len(style.Sources) != 3 || len(style.Layers) != 6 {
		t.Errorf("style: %+v", style)
	}
	// The outlines are credited to IGN, the network's own data to the network.
	attribution := func(collection string) string {
		return decode[struct{ Attribution string }](t, must(get(t, srv.URL+"/ogc/collections/"+collection+"/tiles/WebMercatorQuad/tilejson.json"))).Attribution
	}
	for source, ign := range map[string]bool{"communes": true, "zones-de-vie-sociale": false, "facilities": false} {
		if got := style.Sources[source].Attribution; strings.Contains(got, "IGN") != ign || attribution(source) != got {
			t.Errorf("%s: attribution %q in the style, %q in its TileJSON; IGN credited: want %v", source, got, attribution(source), ign)
		}
	}
}

// Bad datetime, crs, filter and tile coordinates get 400 with a message
// that says what was wrong.
func TestBadMapInput(t *testing.T) {
	srv, _ := server(t)
	items := "/ogc/collections/communes/items?"
	long := strings.Repeat("code = '1' OR ", 400) + "code = '2'"
	deep := strings.Repeat("(", 40) + "code = '1'" + strings.Repeat(")", 40)
	for path, want := range map[string]string{
		items + "datetime=yesterday":                                                        "neither a date",
		items + "datetime=2019-13-01":                                                       "neither a date",
		items + "datetime=2021-01-01/2019-01-01":                                            "ends before it starts",
		items + "datetime=../..":                                                            "at least one end",
		items + "datetime=" + strings.Repeat("9", 100):                                      "too long",
		items + "crs=EPSG:9999":                                                             "not an offered CRS",
		items + "bbox-crs=EPSG:27572&bbox=1,2,3,4":                                          "not an offered CRS",
		items + "bbox=-1e9,-1e9,1e9,1e9&bbox-crs=EPSG:2154":                                 "falls outside",
		items + "filter=" + url.QueryEscape("code = "):                                      "expected a value",
		items + "filter=" + url.QueryEscape("colour = 'red'"):                               "no queryable",
		items + "filter=" + url.QueryEscape("population = 'big'"):                           "population is a number",
		items + "filter=" + url.QueryEscape("nom LIKE 'M%'"):                                "LIKE is not supported",
		items + "filter=" + url.QueryEscape("code = '13055"):                                "not closed",
		items + "filter=" + url.QueryEscape("code = '1' code"):                              "after a complete expression",
		items + "filter=" + url.QueryEscape("S_INTERSECTS(geometry, LINESTRING(1 2, 3 4))"): "POINT",
		items + "filter=" + url.QueryEscape(long):                                           "at most 4096",
		items + "filter=" + url.QueryEscape(deep):                                           "nested deeper",
		items + "filter=" + url.QueryEscape("signatory > TRUE"):                             "booleans",
		items + "filter-lang=cql2-json&filter=x":                                            "cql2-text only",
		items + "properties=colour":                                                         "no property",
		"/geo/communes.geojson?asOf=someday":                                                "asOf=someday",
		"/geo/communes.geojson?point=5.3":                                                   "point=5.3",
		"/geo/communes.geojson?point=500,43":                                                "not a WGS84",
		"/ogc/collections/communes/tiles/WebMercatorQuad/25/0/0":                            "zoom",
		"/ogc/collections/communes/tiles/WebMercatorQuad/2/4/0":                             "from 0 to 3",
		"/ogc/collections/communes/tiles/WebMercatorQuad/x/0/0":                             "zoom",
		"/ogc/collections/communes/tiles/WebMercatorQuad/2/0/-1":                            "column",
	} {
		resp, body := get(t, srv.URL+path)
		e := decode[struct{ Code, Description string }](t, body)
		if resp.StatusCode != 400 || e.Code != "BAD_USER_INPUT" || !strings.Contains(e.Description, want) || len(e.Description) > 400 {
			t.Errorf("%.90s: %d %.300s, want 400 saying %q", path, resp.StatusCode, body, want)
		}
	}
}

// The OpenAPI definition lists every parameter each resource takes, and
// /conformance only what is implemented (each class has its test here).
func TestOpenAPIParameters(t *testing.T) {
	srv, _ := server(t)
	api := decode[struct {
		Paths map[string]struct {
			Get struct {
				Parameters []struct {
					Ref string `json:"$ref"`
				}
			}
		}
		Components struct {
			Parameters map[string]struct{ Name, In string }
		}
	}](t, must(get(t, srv.URL+"/ogc/api")))
	query := func(path string) []string {
		var names []string
		for _, p := range api.Paths[path].Get.Parameters {
			def := api.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
			if def.In == "query" {
				names = append(names, def.Name)
			}
		}
		return slices.Sorted(slices.Values(names))
	}
	for path, takes := range map[string][]string{
		"/collections/{collectionId}/items":                                                  append(slices.Clone(itemsParams), propertyParams...),
		"/collections/{collectionId}/items/{featureId}":                                      itemParams,
		"/collections/{collectionId}/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}": tileParams,
		"/collections/{collectionId}/tiles/WebMercatorQuad/tilejson.json":                    tileParams,
		"/styles/network": styleParams,
	} {
		if got, want := query(path), slices.Sorted(slices.Values(takes)); !slices.Equal(got, want) {
			t.Errorf("OpenAPI %s lists %v; the server takes %v", path, got, want)
		}
	}
	var ids []string
	for _, c := range allCollections {
		ids = append(ids, c.ID)
	}
	var enum struct{ Schema struct{ Enum []string } }
	raw := decode[struct {
		Components struct{ Parameters map[string]json.RawMessage }
	}](t, must(get(t, srv.URL+"/ogc/api")))
	if json.Unmarshal(raw.Components.Parameters["collectionId"], &enum); !slices.Equal(enum.Schema.Enum, ids) {
		t.Errorf("OpenAPI collectionId %v; the collections are %v", enum.Schema.Enum, ids)
	}
}

// /conformance lists only what is implemented: each class and the test that
// exercises it.
func TestConformanceClasses(t *testing.T) {
	srv, _ := server(t)
	proven := map[string]string{
		"ogcapi-features-1/1.0/conf/core":                        "TestOGCItemsPaging, TestNetworkOnCommunes (datetime)",
		"ogcapi-features-1/1.0/conf/geojson":                     "TestOGCFeature",
		"ogcapi-features-1/1.0/conf/oas30":                       "TestOpenAPIParameters",
		"ogcapi-features-2/1.0/conf/crs":                         "TestCRS",
		"ogcapi-features-3/1.0/conf/queryables":                  "TestQueryables",
		"ogcapi-features-3/1.0/conf/queryables-query-parameters": "TestPropertyParameters",
		"ogcapi-features-3/1.0/conf/filter":                      "TestFilter",
		"ogcapi-features-3/1.0/conf/features-filter":             "TestFilter",
		"cql2/1.0/conf/cql2-text":                                "TestFilter, TestBadMapInput",
		"cql2/1.0/conf/basic-cql2":                               "TestFilter",
		"cql2/1.0/conf/basic-spatial-functions":                  "TestFilter, TestPointQuery",
		"ogcapi-tiles-1/1.0/conf/core":                           "TestTiles",
		"ogcapi-tiles-1/1.0/conf/tileset":                        "TestTilesets",
		"ogcapi-tiles-1/1.0/conf/geodata-tilesets":               "TestTilesets",
		"ogcapi-tiles-1/1.0/conf/mvt":                            "TestTiles",
		"ogcapi-tiles-1/1.0/conf/oas30":                          "TestOpenAPIParameters",
	}
	conf := decode[struct{ ConformsTo []string }](t, must(get(t, srv.URL+"/ogc/conformance")))
	for _, c := range conf.ConformsTo {
		if proven[strings.TrimPrefix(c, "http://www.opengis.net/spec/")] == "" {
			t.Errorf("conformance class %s has no test", c)
		}
	}
	if len(conf.ConformsTo) != len(proven) {
		t.Errorf("%d conformance classes, %d with tests", len(conf.ConformsTo), len(proven))
	}
}

func TestPropertyParameters(t *testing.T) {
	srv, _ := server(t)
	fs := byID(t, srv.URL+"/ogc/collections/communes/items?datetime=2019-06-27&signatory=true&facilityCount=2&population=38477")
	if len(fs) != 1 || fs[geostore.LaCiotat].ID == "" {
		t.Errorf("signatory=true&facilityCount=2&population=38477: %v", fs)
	}
	fs = byID(t, srv.URL+"/ogc/collections/facilities/items?datetime=2019-06-27&federationId=federation-test-b")
	if len(fs) != 1 || fs["mpt-test"].ID == "" {
		t.Errorf("federationId=federation-test-b: %v", fs)
	}
	if resp, _ := get(t, srv.URL+"/ogc/collections/communes/items?manager=x"); resp.StatusCode != 400 {
		t.Errorf("a facility property on communes: %d, want 400", resp.StatusCode)
	}
}

func TestTilesets(t *testing.T) {
	srv, _ := server(t)
	sets := decode[struct {
		Tilesets []struct {
			DataType, TileMatrixSetURI string
			Links                      []link
		}
	}](t, must(get(t, srv.URL+"/ogc/collections/facilities/tiles")))
	if len(sets.Tilesets) != 1 || sets.Tilesets[0].DataType != "vector" || sets.Tilesets[0].TileMatrixSetURI != tileURI {
		t.Fatalf("tilesets: %+v", sets)
	}
	for _, l := range sets.Tilesets[0].Links {
		if strings.Contains(l.Href, "{") {
			continue
		}
		if resp, body := get(t, l.Href); resp.StatusCode != 200 {
			t.Errorf("tileset link %s %s: %d %.200s", l.Rel, l.Href, resp.StatusCode, body)
		}
	}
	tms := decode[struct {
		TileMatrices []struct{ MatrixWidth int }
	}](t, must(get(t, srv.URL+"/ogc/tileMatrixSets/WebMercatorQuad")))
	if len(tms.TileMatrices) != maxZoom+1 || tms.TileMatrices[12].MatrixWidth != 4096 {
		t.Errorf("WebMercatorQuad: %d matrices", len(tms.TileMatrices))
	}
}
