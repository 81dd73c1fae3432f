package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cccs13/cccs-graph/store"
)

// ctx is the context of the tests' store calls: nothing cancels it.
var ctx = context.Background()

var (
	serverOnce  sync.Once
	sharedStore *store.Store
)

// testServer serves the real routes over the default dataset on 127.0.0.1.
func testServer(t *testing.T) *httptest.Server {
	t.Helper()
	serverOnce.Do(func() {
		s, err := store.Open("", nil)
		if err == nil {
			_, err = s.LoadDefaultIfEmpty(ctx)
		}
		if err != nil {
			panic(err)
		}
		sharedStore = s
	})
	c := defaultConfig()
	srv := httptest.NewServer(routes(sharedStore, c, slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	return srv
}

// fetch gets a path of srv and returns the response with its body read.
func fetch(t *testing.T, srv *httptest.Server, path string, header ...string) (*http.Response, []byte) {
	t.Helper()
	resp, body := get(t, srv.URL+path, header...)
	return resp, []byte(body)
}

// graphQL posts a query to the test server and decodes its data.
func graphQL(t *testing.T, srv *httptest.Server, query string, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	resp, err := srv.Client().Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Data   json.RawMessage
		Errors []any
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || len(env.Errors) > 0 {
		t.Fatalf("GraphQL %s: %v %v", query, err, env.Errors)
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		t.Fatal(err)
	}
}

func TestExportEndpoints(t *testing.T) {
	srv := testServer(t)
	for path, want := range map[string]struct{ ctype, file string }{
		"/export/network.graphml":            {"application/graphml+xml; charset=utf-8", "network.graphml"},
		"/export/network.json?asOf=2019":     {"application/json; charset=utf-8", "network-2019.json"},
		"/export/organizations.csv":          {"text/csv; charset=utf-8; header=present", "organizations.csv"},
		"/export/relations.csv?asOf=2015-06": {"text/csv; charset=utf-8; header=present", "relations-2015-06.csv"},
		"/export/facilityTypes.csv":          {"text/csv; charset=utf-8; header=present", "facilityTypes.csv"},
		"/export/network.gexf?asOf=2015":     {"application/gexf+xml; charset=utf-8", "network-2015.gexf"},
		"/export/people.parquet":             {"application/vnd.apache.parquet", "people.parquet"},
	} {
		resp, body := fetch(t, srv, path)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
			continue
		}
		if got := resp.Header.Get("Content-Type"); got != want.ctype {
			t.Errorf("%s: Content-Type %q, want %q", path, got, want.ctype)
		}
		if got := resp.Header.Get("Content-Disposition"); got != `attachment; filename="`+want.file+`"` {
			t.Errorf("%s: Content-Disposition %q, want the file %s", path, got, want.file)
		}
	}
	nodes, rels, err := sharedStore.Size(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, body := fetch(t, srv, "/export/relations.csv")
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(rows) != rels+1 || rows[0][1] != "kind" {
		t.Errorf("relations.csv: %d rows (want %d and a header), %v", len(rows), rels, err)
	}
	_, body = fetch(t, srv, "/export/network.graphml")
	var doc struct {
		Graph struct {
			Nodes []struct{} `xml:"node"`
			Edges []struct{} `xml:"edge"`
		} `xml:"graph"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil || len(doc.Graph.Nodes) != nodes || len(doc.Graph.Edges) != rels {
		t.Errorf("network.graphml: %d nodes, %d edges, %v; want %d and %d", len(doc.Graph.Nodes), len(doc.Graph.Edges), err, nodes, rels)
	}
}

func TestExportEndpointErrors(t *testing.T) {
	srv := testServer(t)
	for path, status := range map[string]int{
		"/export/spaceships.csv":                                          http.StatusNotFound,
		"/export/network.yaml":                                            http.StatusNotFound,
		"/export/people.graphml":                                          http.StatusNotFound,
		"/export/network.graphml?asOf=2019-13":                            http.StatusBadRequest,
		"/export/network.graphml?asOf=198X":                               http.StatusBadRequest,
		"/export/organizations.csv?asOf=sunday":                           http.StatusBadRequest,
		"/export/network.gexf?kinds=signatory,friendship":                 http.StatusBadRequest,
		"/export/network.gexf?kinds=" + strings.Repeat("signatory,", 200): http.StatusBadRequest,
		"/export/network.parquet":                                         http.StatusNotFound,
		"/export/relations.parquet?kinds=SIGNATORY":                       http.StatusBadRequest,
		"/export/network.graphml?asof=2019":                               http.StatusBadRequest,
		"/export/organizations.csv?asOf=2019&collection=people":           http.StatusBadRequest,
		"/export/network.graphml?asOf=2019&asOf=2021":                     http.StatusBadRequest, // which one? (as the maps: given 2 times)
		"/export/network.json?kinds=signatory&kinds=chairs":               http.StatusBadRequest,
	} {
		resp, body := fetch(t, srv, path)
		if resp.StatusCode != status {
			t.Errorf("%s: %d %s, want %d", path, resp.StatusCode, body, status)
		}
		// The error body of the other JSON endpoints, with its code.
		var answer struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		code := map[int]string{http.StatusBadRequest: "BAD_USER_INPUT", http.StatusNotFound: "NOT_FOUND"}[status]
		if err := json.Unmarshal(body, &answer); err != nil || resp.Header.Get("Content-Type") != "application/json" ||
			len(answer.Errors) != 1 || answer.Errors[0].Extensions.Code != code || answer.Errors[0].Message == "" {
			t.Errorf("%s: %s %s, want a JSON error with code %s", path, resp.Header.Get("Content-Type"), body, code)
		}
	}
	resp, _ := fetch(t, srv, "/export/network.json")
	etag := resp.Header.Get("ETag")
	if other, _ := fetch(t, srv, "/export/network.json?kinds=signatory", "If-None-Match", etag); other.StatusCode != http.StatusOK {
		t.Errorf("the ETag of the whole network answered %d for its signatory part, want 200", other.StatusCode)
	}
	if again, _ := fetch(t, srv, "/export/network.json", "If-None-Match", etag); etag == "" || again.StatusCode != http.StatusNotModified {
		t.Errorf("ETag %q: the same request again got %d, want 304", etag, again.StatusCode)
	}
}

func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "network.graphml")
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"export", "-data", filepath.Join(dir, "data"), "-format", "graphml", "-asof", "2019", "-o", file}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("export -format graphml: exit %d: %s", code, &stderr)
	}
	b, err := os.ReadFile(file)
	if err != nil || !bytes.Contains(b, []byte(`<data key="g_asOf">2019</data>`)) {
		t.Errorf("the GraphML file has no asOf 2019: %v", err)
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"export", "-data", filepath.Join(dir, "data"), "-format", "csv", "-collection", "bodies"}, &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "id,kind,name,") {
		t.Errorf("export -format csv -collection bodies: exit %d, %q", code, stdout.String()[:min(40, stdout.Len())])
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"export", "-data", filepath.Join(dir, "data"), "-format", "gexf", "-asof", "2019", "-kinds", "signatory"}, &stdout, &stderr); code != 0 ||
		strings.Count(stdout.String(), "<edge ") != 23 || !strings.Contains(stdout.String(), `mode="dynamic"`) {
		t.Errorf("export -format gexf -asof 2019 -kinds signatory: exit %d, %d edges; want the 23 signatories of 2019", code, strings.Count(stdout.String(), "<edge "))
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"export", "-data", filepath.Join(dir, "data"), "-format", "parquet", "-collection", "people"}, &stdout, &stderr); code != 0 || !strings.HasPrefix(stdout.String(), "PAR1") {
		t.Errorf("export -format parquet -collection people: exit %d, %q", code, stdout.String()[:min(4, stdout.Len())])
	}
	for _, args := range [][]string{
		{"-format", "csv"},
		{"-format", "parquet"},
		{"-format", "gexf", "-kinds", "friendship"},
		{"-format", "yaml", "-kinds", "signatory"},
		{"-format", "csv", "-collection", "spaceships"},
		{"-format", "yaml", "-asof", "2015"},
		{"-format", "xlsx"},
		{"-format", "json", "-asof", "2015-02-30"},
	} {
		stderr.Reset()
		if code := run(context.Background(), append([]string{"export", "-data", filepath.Join(dir, "data")}, args...), io.Discard, &stderr); code != 1 || stderr.Len() == 0 {
			t.Errorf("export %v: exit %d, message %q; want 1 and a message", args, code, &stderr)
		}
	}
}

// defaultConfig is the serve configuration with every default.
func defaultConfig() *config {
	var c config
	c.register(flag.NewFlagSet("serve", flag.PanicOnError), true)
	return &c
}
