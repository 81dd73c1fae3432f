package geo

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/internal/geotest"
	"github.com/cccs13/cccs-graph/internal/geotest/geostore"
	"github.com/cccs13/cccs-graph/store"
)

// ctx is the context of the tests' store calls: nothing cancels it.
var ctx = context.Background()

// server starts the maps handler on 127.0.0.1 over a store with the real
// communes and zones made from halves of Aix-en-Provence.
func server(t *testing.T) (*httptest.Server, *store.Store) {
	t.Helper()
	s := geostore.WithNetwork(t)
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	srv.Config.Handler = New(s, slog.New(slog.DiscardHandler), cached(srv.URL)) // links from configuration
	t.Cleanup(srv.Close)
	return srv, s
}

// cached are the options of a handler with the default cache and links
// from base.
func cached(base string) Options {
	return Options{Base: base, MaxAge: 60, CacheBytes: DefaultCacheBytes}
}

// get sends a GET with headers given as name, value pairs.
func get(t *testing.T, url string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	// Ask for gzip ourselves, so that the transport does not decode it.
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

type feature struct {
	Type       string
	ID         string
	BBox       []float64
	Geometry   json.RawMessage
	Properties struct{ Code, Nom, Type, Commune string }
	Links      []link
}

type featureCollection struct {
	Type           string
	BBox           []float64
	NumberMatched  *int
	NumberReturned *int
	TimeStamp      string
	Links          []link
	Features       []feature
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%v in %.300s", err, body)
	}
	return v
}

func codesOf(fc featureCollection) []string {
	var out []string
	for _, f := range fc.Features {
		out = append(out, f.Properties.Code)
	}
	return out
}

func TestGeoJSONCommunes(t *testing.T) {
	srv, s := server(t)
	resp, body := get(t, srv.URL+"/geo/communes.geojson")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != mediaGeoJSON {
		t.Fatalf("status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	fc := decode[featureCollection](t, body)
	if fc.Type != "FeatureCollection" || len(fc.Features) != 119 || len(fc.BBox) != 4 {
		t.Fatalf("%s with %d features, bbox %v", fc.Type, len(fc.Features), fc.BBox)
	}
	i := slices.IndexFunc(fc.Features, func(f feature) bool { return f.ID == "insee-13055" })
	if i < 0 {
		t.Fatal("no feature insee-13055")
	}
	m := fc.Features[i]
	stored, _ := s.Geometry(ctx, "insee-13055")
	if !bytes.Equal(m.Geometry, stored.GeoJSON) || m.Properties.Code != "13055" || m.Properties.Nom != "Marseille" || m.Properties.Type != "commune" {
		t.Errorf("Marseille feature: %+v", m.Properties)
	}
}

func TestGeoJSONParameters(t *testing.T) {
	srv, _ := server(t)
	_, body := get(t, srv.URL+"/geo/communes.geojson?bbox=4.98,43.40,5.24,43.56")
	got := codesOf(decode[featureCollection](t, body))
	for _, shore := range []string{"13056", "13014", "13047", "13117", "13054", "13092", "13081"} {
		if !slices.Contains(got, shore) {
			t.Errorf("shore commune %s missing from the Étang de Berre box: %v", shore, got)
		}
	}
	if slices.Contains(got, "13055") {
		t.Errorf("Marseille in the Étang de Berre box")
	}
	if _, body := get(t, srv.URL+"/geo/communes.geojson?limit=5&offset=10"); len(decode[featureCollection](t, body).Features) != 5 {
		t.Error("limit=5 did not give 5 features")
	}
	_, full := get(t, srv.URL+"/geo/communes.geojson")
	_, light := get(t, srv.URL+"/geo/communes.geojson?simplify=0.005")
	if n := len(decode[featureCollection](t, light).Features); n != 119 || len(light) >= len(full)/2 {
		t.Errorf("simplify=0.005: %d features in %d bytes of %d", n, len(light), len(full))
	}
	zones := decode[featureCollection](t, must(get(t, srv.URL+"/geo/zones-de-vie-sociale.geojson")))
	if got := codesOf(zones); !slices.Equal(got, []string{"13001-centre", "13001-est", "13001-ouest"}) || zones.Features[0].Properties.Commune != "13001" {
		t.Errorf("zones = %v, %+v", got, zones.Features[0].Properties)
	}
}

func must(_ *http.Response, body []byte) []byte { return body }

// A downloaded layer with the properties of the import contract imports
// back as it is.
func TestGeoJSONImportsBack(t *testing.T) {
	srv, s := server(t)
	for kind, coll := range map[string]string{"commune": "communes?properties=code,nom,type", "zone-de-vie-sociale": "zones-de-vie-sociale?properties=code,nom,type,commune"} {
		coll, query, _ := strings.Cut(coll, "?")
		_, body := get(t, srv.URL+"/geo/"+coll+".geojson?"+query)
		res, err := s.ImportLayer(ctx, store.Layer{Kind: kind, File: store.File{Name: coll + ".geojson", Data: body}, Source: "cog-insee-2018"})
		if err != nil || res.GeometriesWritten+res.Created+res.RelationsWritten != 0 {
			t.Errorf("%s imported back: %+v, %v; want nothing new", coll, res, err)
		}
	}
}

// TestAnswerBytes: an answer is kept as bytes with a strong ETag for each
// form, gzip when asked (the same bytes once decompressed), Content-Length,
// HEAD, 304 for the ETag of the form asked, and made again after a write.
func TestAnswerBytes(t *testing.T) {
	srv, s := server(t)
	url := srv.URL + "/geo/communes.geojson"
	resp, plain := get(t, url)
	tag := resp.Header.Get("ETag")
	if !strings.HasPrefix(tag, `"`) || resp.Header.Get("Content-Length") != strconv.Itoa(len(plain)) ||
		resp.Header.Get("Content-Encoding") != "" || resp.Header.Get("Cache-Control") != "public, max-age=60" ||
		resp.Header.Get("Vary") != "Accept, Accept-Encoding" {
		t.Fatalf("identity: ETag %q, Content-Length %q of %d, headers %v", tag, resp.Header.Get("Content-Length"), len(plain), resp.Header)
	}
	if resp, _ := get(t, url, "If-None-Match", tag); resp.StatusCode != http.StatusNotModified || resp.Header.Get("ETag") != tag {
		t.Errorf("If-None-Match the ETag: status %d, want 304", resp.StatusCode)
	}
	resp, zipped := get(t, url, "Accept-Encoding", "gzip, deflate, br")
	gzTag := resp.Header.Get("ETag")
	if resp.Header.Get("Content-Encoding") != "gzip" || gzTag == tag || !strings.HasPrefix(gzTag, `"`) ||
		resp.Header.Get("Content-Length") != strconv.Itoa(len(zipped)) || len(zipped) >= len(plain)/2 {
		t.Fatalf("gzip: encoding %q, ETag %q, Content-Length %q, %d bytes of %d", resp.Header.Get("Content-Encoding"), gzTag,
			resp.Header.Get("Content-Length"), len(zipped), len(plain))
	}
	zr, err := gzip.NewReader(bytes.NewReader(zipped))
	if err != nil {
		t.Fatal(err)
	}
	if unzipped, _ := io.ReadAll(zr); !bytes.Equal(unzipped, plain) {
		t.Error("the gzipped body differs from the plain one")
	}
	if resp, _ := get(t, url, "Accept-Encoding", "gzip", "If-None-Match", gzTag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match the gzip ETag: status %d, want 304", resp.StatusCode)
	}
	if resp, body := get(t, url, "Accept-Encoding", "gzip;q=0.5, identity"); resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, plain) {
		t.Errorf("identity preferred: encoding %q", resp.Header.Get("Content-Encoding"))
	}
	if resp, _ := get(t, url, "Authorization", "Bearer x"); resp.Header.Get("Cache-Control") != "private, no-cache" {
		t.Errorf("with credentials: Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	// HEAD: the headers of GET, no body.
	head, _ := http.NewRequest(http.MethodHead, url, nil)
	head.Header.Set("Accept-Encoding", "gzip")
	hresp, err := http.DefaultClient.Do(head)
	if err != nil {
		t.Fatal(err)
	}
	hbody, _ := io.ReadAll(hresp.Body)
	hresp.Body.Close()
	if hresp.StatusCode != 200 || len(hbody) != 0 || hresp.Header.Get("ETag") != gzTag || hresp.Header.Get("Content-Length") != strconv.Itoa(len(zipped)) {
		t.Errorf("HEAD: %d, %d bytes, ETag %q, Content-Length %q", hresp.StatusCode, len(hbody), hresp.Header.Get("ETag"), hresp.Header.Get("Content-Length"))
	}
	// The order and spelling of the parameters make one answer.
	a, _ := get(t, url+"?asOf=2019&limit=5")
	b, _ := get(t, url+"?limit=5&asOf=%32019")
	if a.Header.Get("ETag") != b.Header.Get("ETag") {
		t.Errorf("the same request spelt two ways: ETags %q and %q", a.Header.Get("ETag"), b.Header.Get("ETag"))
	}
	// An import moves the data version: the answer is made again.
	if _, err := s.ImportLayer(ctx, store.Layer{Kind: "departement", File: store.File{Name: geotest.Departement, Data: geotest.Read(t, geotest.Departement)}}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, srv.URL+"/geo/territories.geojson?limit=1", "If-None-Match", tag); resp.StatusCode != 200 {
		t.Errorf("after an import: status %d", resp.StatusCode)
	}
}

// TestLargeAnswerStreamed: an answer above what the cache keeps is sent as
// it is made, gzip or not, with the same bytes, and never kept.
func TestLargeAnswerStreamed(t *testing.T) {
	s := geostore.WithNetwork(t)
	inner := newHandler(s, slog.New(slog.DiscardHandler), Options{CacheBytes: 8 << 10}) // keeps answers up to 1 kB
	small := http.NewServeMux()
	inner.handle(small, nil)
	full := New(s, slog.New(slog.DiscardHandler), cached(""))
	const path = "/geo/communes.geojson?limit=20"
	want := serve(t, full, path)
	for _, enc := range []string{"identity", "gzip"} {
		w := httptest.NewRecorder()
		r := httptest.NewRequest("GET", path, nil)
		r.Header.Set("Accept-Encoding", enc)
		small.ServeHTTP(w, r)
		body := w.Body.Bytes()
		if enc == "gzip" {
			zr, err := gzip.NewReader(w.Body)
			if err != nil {
				t.Fatal(err)
			}
			body, _ = io.ReadAll(zr)
		}
		if w.Code != 200 || w.Header().Get("ETag") != "" || w.Header().Get("Content-Length") != "" || !bytes.Equal(body, want) {
			t.Errorf("%s: status %d, ETag %q, Content-Length %q, same bytes %v", enc, w.Code, w.Header().Get("ETag"), w.Header().Get("Content-Length"), bytes.Equal(body, want))
		}
	}
	if n := inner.answers.Len(); n != 0 {
		t.Errorf("%d answers kept, want none", n)
	}
}

// serve serves a GET through h and returns the body of a 200.
func serve(t *testing.T, h http.Handler, path string) []byte {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
	if w.Code != 200 {
		t.Fatalf("%s: status %d %.200s", path, w.Code, w.Body.Bytes())
	}
	return w.Body.Bytes()
}

func TestOGCLandingConformanceAPI(t *testing.T) {
	srv, _ := server(t)
	for _, path := range []string{"/ogc", "/ogc/"} {
		resp, body := get(t, srv.URL+path)
		landing := decode[struct{ Links []link }](t, body)
		var rels []string
		for _, l := range landing.Links {
			rels = append(rels, l.Rel)
			if !strings.HasPrefix(l.Href, srv.URL+"/ogc") {
				t.Errorf("link %s is not absolute under %s/ogc", l.Href, srv.URL)
			}
		}
		if resp.Header.Get("Content-Type") != mediaJSON || !slices.Equal(rels, []string{"self", "service-desc", "conformance", "data", "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes", "stylesheet"}) {
			t.Errorf("%s: type %q, rels %v", path, resp.Header.Get("Content-Type"), rels)
		}
	}
	conf := decode[struct{ ConformsTo []string }](t, must(get(t, srv.URL+"/ogc/conformance")))
	if !slices.Equal(conf.ConformsTo, conformsTo) {
		t.Errorf("conformsTo = %v", conf.ConformsTo)
	}
	resp, body := get(t, srv.URL+"/ogc/api")
	api := decode[struct {
		OpenAPI string
		Paths   map[string]any
	}](t, body)
	if resp.Header.Get("Content-Type") != mediaOpenAPI || api.OpenAPI != "3.0.3" || len(api.Paths) != 15 {
		t.Errorf("api: type %q, openapi %q, %d paths", resp.Header.Get("Content-Type"), api.OpenAPI, len(api.Paths))
	}
}

type collectionDocJSON struct {
	ID     string
	Links  []link
	Extent *struct{ Spatial struct{ BBox [][]float64 } }
}

func TestOGCCollections(t *testing.T) {
	srv, _ := server(t)
	doc := decode[struct{ Collections []collectionDocJSON }](t, must(get(t, srv.URL+"/ogc/collections")))
	var ids []string
	for _, c := range doc.Collections {
		ids = append(ids, c.ID)
		if c.Extent == nil || len(c.Extent.Spatial.BBox) != 1 {
			t.Errorf("%s has no extent", c.ID)
		}
	}
	if !slices.Equal(ids, []string{"territories", "communes", "zones-de-vie-sociale", "facilities"}) {
		t.Errorf("collections = %v, want territories and the types that have features", ids)
	}
	one := decode[collectionDocJSON](t, must(get(t, srv.URL+"/ogc/collections/communes")))
	if one.ID != "communes" || !slices.ContainsFunc(one.Links, func(l link) bool { return l.Rel == "items" && l.Type == mediaGeoJSON }) {
		t.Errorf("collection communes = %+v", one)
	}
	// A type without features yet is a valid, empty collection.
	if resp, body := get(t, srv.URL+"/ogc/collections/cantons/items"); resp.StatusCode != 200 || *decode[featureCollection](t, body).NumberMatched != 0 {
		t.Errorf("cantons before any import: %d %s", resp.StatusCode, body)
	}
}

func TestOGCItemsPaging(t *testing.T) {
	srv, _ := server(t)
	next := srv.URL + "/ogc/collections/communes/items?limit=50"
	var ids []string
	for pages := 0; next != ""; pages++ {
		if pages > 3 {
			t.Fatal("more than 3 pages of 50 for 119 communes")
		}
		resp, body := get(t, next)
		fc := decode[featureCollection](t, body)
		if resp.Header.Get("Content-Type") != mediaGeoJSON || *fc.NumberMatched != 119 || *fc.NumberReturned != len(fc.Features) || fc.TimeStamp == "" {
			t.Fatalf("page %d: type %q, matched %v, returned %v of %d", pages, resp.Header.Get("Content-Type"), *fc.NumberMatched, *fc.NumberReturned, len(fc.Features))
		}
		if pages == 1 && !slices.ContainsFunc(fc.Links, func(l link) bool { return l.Rel == "prev" }) {
			t.Error("page 2 has no prev link")
		}
		next = ""
		for _, l := range fc.Links {
			if l.Rel == "next" {
				next = l.Href
			}
		}
		for _, f := range fc.Features {
			ids = append(ids, f.ID)
		}
	}
	if len(ids) != 119 || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != 119 {
		t.Errorf("paging gave %d ids", len(ids))
	}
	fc := decode[featureCollection](t, must(get(t, srv.URL+"/ogc/collections/communes/items?limit=5000")))
	if *fc.NumberReturned != 119 {
		t.Errorf("limit=5000 (lowered to %d) returned %d", maxLimit, *fc.NumberReturned)
	}
	fc = decode[featureCollection](t, must(get(t, srv.URL+"/ogc/collections/territories/items?bbox=5.36,43.29,5.38,43.30")))
	if got := codesOf(fc); !slices.Equal(got, []string{"13055"}) {
		t.Errorf("territories in a box in Marseille: %v", got)
	}
}

func TestOGCFeature(t *testing.T) {
	srv, _ := server(t)
	resp, body := get(t, srv.URL+"/ogc/collections/communes/items/insee-13055")
	f := decode[feature](t, body)
	if resp.StatusCode != 200 || f.Type != "Feature" || f.ID != "insee-13055" || f.Properties.Code != "13055" || len(f.Links) != 3 {
		t.Errorf("feature: %d %+v", resp.StatusCode, f)
	}
	resp, _ = get(t, srv.URL+"/ogc/collections/communes/items/insee-13055?f=json")
	if resp.Header.Get("Content-Type") != mediaJSON {
		t.Errorf("f=json gave %q", resp.Header.Get("Content-Type"))
	}
	resp, _ = get(t, srv.URL+"/ogc/collections/communes/items/insee-13055", "Accept", "application/json")
	if resp.Header.Get("Content-Type") != mediaJSON {
		t.Errorf("Accept: application/json gave %q", resp.Header.Get("Content-Type"))
	}
}

func TestOGCErrors(t *testing.T) {
	srv, _ := server(t)
	for path, want := range map[string]int{
		"/ogc/collections/nope":                                   404,
		"/ogc/collections/nope/items":                             404,
		"/ogc/collections/communes/items/no-such-feature":         404,
		"/ogc/collections/zones-de-vie-sociale/items/insee-13055": 404,
		"/ogc/collections/communes/items/caf-13":                  404,
		"/ogc/somewhere":                                          404,
		"/geo/nope.geojson":                                       404,
		"/geo/communes.json":                                      404,
		"/ogc/collections/communes/items?limit=0":                 400,
		"/ogc/collections/communes/items?limit=ten":               400,
		"/ogc/collections/communes/items?offset=-1":               400,
		"/ogc/collections/communes/items?bbox=1,2,3":              400,
		"/ogc/collections/communes/items?bbox=5,44,6,43":          400,
		"/ogc/collections/communes/items?bbox=a,b,c,d":            400,
		"/ogc/collections/communes/items?f=xml":                   400,
		"/ogc/collections/communes/items?colour=red":              400,
		"/ogc/collections/communes/items?limit=1&limit=2":         400,
		"/ogc/collections?f=geojson":                              400,
		"/geo/communes.geojson?simplify=-1":                       400,
	} {
		resp, body := get(t, srv.URL+path)
		e := decode[struct{ Code, Description string }](t, body)
		if resp.StatusCode != want || resp.Header.Get("Content-Type") != mediaJSON || e.Code == "" || e.Description == "" {
			t.Errorf("%s: %d %s, want %d with a JSON {code, description}", path, resp.StatusCode, body, want)
		}
	}
	if resp, _ := get(t, srv.URL+"/ogc/collections", "Accept", "text/html"); resp.StatusCode != http.StatusNotAcceptable {
		t.Errorf("Accept: text/html only: %d, want 406", resp.StatusCode)
	}
	resp, err := http.Post(srv.URL+"/ogc/collections", "application/json", nil)
	if err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /ogc/collections: %v %v, want 405", resp.StatusCode, err)
	}
}

func TestNegotiate(t *testing.T) {
	for accept, want := range map[string]string{
		"":                                       mediaGeoJSON,
		"*/*":                                    mediaGeoJSON,
		"application/json":                       mediaJSON,
		"application/geo+json, application/json": mediaGeoJSON,
		"application/geo+json;q=0.5, application/json": mediaJSON,
		"application/*;q=0.2, application/json;q=0":    mediaGeoJSON,
		"text/html": "",
		"text/html,application/xhtml+xml,*/*;q=0.8": mediaGeoJSON,
	} {
		r := httptest.NewRequest("GET", "/x", nil)
		r.Header.Set("Accept", accept)
		got, err := negotiate(r, nil, mediaGeoJSON, mediaJSON)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("Accept %q: %q, %v; want %q", accept, got, err, want)
		}
	}
}
