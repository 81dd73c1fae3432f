package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The admin endpoints refuse a parameter they do not take and a flag that
// is not a boolean, writing nothing: a misspelt ?dryrun=true imported for
// real. An export through the server keeps the kinds it is given.
func TestAdminParametersAreChecked(t *testing.T) {
	srv, _, admin := startWithAdmin(t)
	call := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.url+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+admin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	rename := "nodes:\n  - {id: caf-13, kind: organization, name: Caisse renommée, sources: [{source: seed-000}]}\n"
	for _, path := range []string{
		"/admin/import?dryrun=true&name=caf.yaml",
		"/admin/import?dryRun=yes&name=caf.yaml",
		"/admin/import?replace=sure&name=caf.yaml",
		"/admin/import/layer?layer=commune&dryrun=true",
		"/admin/import?dryRun=false&dryRun=true&name=caf.yaml", // a proxy's log shows the last, the server read the first
		"/admin/import?name=caf.yaml&name=other.yaml",
	} {
		if code, body := call("POST", path, rename); code != http.StatusBadRequest || !strings.Contains(body, "BAD_USER_INPUT") {
			t.Errorf("POST %s: %d %s, want 400 BAD_USER_INPUT", path, code, body)
		}
	}
	var named struct {
		Data struct{ Node struct{ Name string } }
	}
	srv.post(t, `{ node(id: "caf-13") { name } }`, &named)
	if named.Data.Node.Name != "Caisse d'Allocations Familiales des Bouches-du-Rhône" {
		t.Errorf("a refused import wrote: caf-13 is named %q", named.Data.Node.Name)
	}
	if code, body := call("GET", "/admin/export?fromat=csv", ""); code != http.StatusBadRequest {
		t.Errorf("GET /admin/export?fromat=csv: %d %.80s, want 400", code, body)
	}
	if code, body := call("GET", "/admin/export?kinds=MEMBER_OF&format=graphml", ""); code != http.StatusBadRequest {
		t.Errorf("GET /admin/export?kinds=MEMBER_OF: %d %.80s, want 400", code, body)
	}
	// Bad input of kilobytes is quoted by a short prefix (an import's list of
	// problems is answered whole, each problem short).
	long := strings.Repeat("é", 4000)
	for _, c := range []struct{ method, path, body string }{
		{"GET", "/admin/export?asOf=" + strings.Repeat("1", 8000), ""},
		{"GET", "/admin/export?format=" + long, ""},
		{"GET", "/admin/export?kinds=" + long, ""},
		{"POST", "/admin/import/layer?layer=" + long, "{}"},
		{"POST", "/admin/import?name=a.yaml", "nodes:\n  - {id: " + strings.Repeat("x", 9000) + ", kind: organization}\n"},
		{"POST", "/admin/tokens", `{"name": "n", "role": "` + long + `"}`},
		{"DELETE", "/admin/tokens/" + strings.Repeat("x", 5000), ""},
	} {
		if code, body := call(c.method, c.path, c.body); code/100 != 4 || len(body) > 1000 {
			t.Errorf("%s %.40s…: %d, %d bytes answered: %.80s", c.method, c.path, code, len(body), body)
		}
	}
	// The 23 signatory relations of 2019, through the server as without it.
	out, errOut, err := runCLI(t, []string{"CCCS_TOKEN=" + admin}, "export", "-server", srv.url, "-format", "gexf", "-asof", "2019", "-kinds", "signatory")
	if n := strings.Count(out, "<edge "); err != nil || n != 23 {
		t.Errorf("export -server -kinds signatory -asof 2019: %d edges, %v %s; want 23", n, err, errOut)
	}
}

// An import through the server lists every problem whole, as it does
// without a server (the answers of other endpoints are cut at 300 bytes).
func TestAdminImportListsEveryProblem(t *testing.T) {
	srv, _, admin := startWithAdmin(t)
	layer := filepath.Join(t.TempDir(), "zones.geojson")
	ring := func(far string) string {
		return `{"type":"Polygon","coordinates":[[[5.373,43.298],` + far + `,[5.381,43.303],[5.373,43.298]]]}`
	}
	os.WriteFile(layer, []byte(`{"type":"FeatureCollection","features":[
	  {"type":"Feature","properties":{"code":"13055-nord","nom":"Nord","commune":"13055","population":3},"geometry":`+ring("[5.381,43.298]")+`},
	  {"type":"Feature","properties":{"code":"13055-sud","nom":"Sud","commune":"13055"},"geometry":`+ring("[893000,6250000]")+`}]}`), 0o644)
	_, errOut, err := runCLI(t, []string{"CCCS_TOKEN=" + admin}, "import", "-server", srv.url, "-layer", "zone-de-vie-sociale", layer)
	if err == nil || !strings.Contains(errOut, `unknown property "population"`) || !strings.Contains(errOut, "reproject it (ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson)") {
		t.Errorf("import of a bad layer through the server: %v\n%s", err, errOut)
	}
}
