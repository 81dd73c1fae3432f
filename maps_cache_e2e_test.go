package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/internal/geotest"
)

// TestMapAnswerAfterEdit: the real server keeps the communes collection as
// bytes; an edit through GraphQL moves the data version, so the next
// request gets the new name, a new ETag, and the old ETag no longer
// answers 304. The gzip form decompresses to the identity bytes, before
// and after.
func TestMapAnswerAfterEdit(t *testing.T) {
	srv, _, admin := startWithAdmin(t)
	env := []string{"CCCS_TOKEN=" + admin, "CCCS_SERVER=" + srv.url}
	if _, errOut, err := runCLI(t, env, "import", "-layer", "commune", "-source", "cog-insee-2018", geotest.Path(t, geotest.Communes)); err != nil {
		t.Fatalf("import -layer commune: %v\n%s", err, errOut)
	}
	url := srv.url + "/geo/communes.geojson?properties=code,nom"
	fetch := func(encoding, ifNoneMatch string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Accept-Encoding", encoding)
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, body
	}
	// answer returns the identity body and its ETag, checking that the gzip
	// form is the same bytes.
	answer := func() ([]byte, string) {
		t.Helper()
		resp, plain := fetch("identity", "")
		zresp, zipped := fetch("gzip", "")
		if resp.StatusCode != 200 || zresp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("status %d, gzip encoding %q", resp.StatusCode, zresp.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(bytes.NewReader(zipped))
		if err != nil {
			t.Fatal(err)
		}
		if unzipped, _ := io.ReadAll(zr); !bytes.Equal(unzipped, plain) {
			t.Fatal("the gzip form decompresses to other bytes than the identity form")
		}
		return plain, resp.Header.Get("ETag")
	}
	before, tag := answer()
	if !strings.Contains(string(before), `"nom":"Aix-en-Provence"`) {
		t.Fatalf("Aix-en-Provence missing from the communes:\n%.300s", before)
	}
	if resp, _ := fetch("identity", tag); resp.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match its ETag: %d, want 304", resp.StatusCode)
	}

	renameNode(t, srv.url, admin, "insee-13001", "cog-insee-2018", "Aix-en-Provence (renamed)")

	after, newTag := answer()
	if !strings.Contains(string(after), `"nom":"Aix-en-Provence (renamed)"`) || newTag == tag {
		t.Errorf("after the edit: ETag %q (was %q), renamed %v", newTag, tag, strings.Contains(string(after), "renamed"))
	}
	if resp, _ := fetch("identity", tag); resp.StatusCode != http.StatusOK {
		t.Errorf("the ETag of before the edit: %d, want 200", resp.StatusCode)
	}
}

// TestMapNetworkAfterEdit: the maps join the network of each date asked
// (geo's network cache); an edit through GraphQL moves the data version,
// so the next answers of today and of a past date carry the new name, and
// the past date's answer is otherwise what it was (statuses as of then).
func TestMapNetworkAfterEdit(t *testing.T) {
	srv, _, admin := startWithAdmin(t)
	const old, renamed = "Centre social Les Lilas", "Centre social Les Lilas (renommé)"
	get := func(query string) string {
		t.Helper()
		resp, err := http.Get(srv.url + "/geo/facilities.geojson?properties=nom,status,asOf" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d: %.300s", resp.StatusCode, body)
		}
		return string(body)
	}
	today, past := get(""), get("&asOf=2000-01-01")
	for _, body := range []string{today, past} {
		if !strings.Contains(body, `"nom":"`+old+`"`) {
			t.Fatalf("%s missing from the facilities:\n%.300s", old, body)
		}
	}
	if today == past {
		t.Fatal("the facilities of today and of 2000 are the same bytes: the test cannot tell the dates apart")
	}
	renameNode(t, srv.url, admin, "marseille-centre-social-les-lilas", "csv-facilities-csv", renamed)
	for _, tc := range []struct{ query, before string }{{"", today}, {"&asOf=2000-01-01", past}} {
		want := strings.Replace(tc.before, `"nom":"`+old+`"`, `"nom":"`+renamed+`"`, 1)
		if got := get(tc.query); got != want {
			t.Errorf("asOf %q after the edit: renamed %v, and otherwise the same bytes as before: %v", tc.query, strings.Contains(got, renamed), strings.Replace(got, renamed, old, 1) == tc.before)
		}
	}
}

// renameNode renames node id through GraphQL's updateNode, citing source,
// as an editor with token would.
func renameNode(t *testing.T, url, token, id, source, name string) {
	t.Helper()
	post := func(query string, vars map[string]any, out any) {
		t.Helper()
		doc, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		postGraphQL(t, url, doc, token, out)
	}
	var node struct {
		Data struct{ Node struct{ Version int } }
	}
	post(`query($id: ID!) { node(id: $id) { version } }`, map[string]any{"id": id}, &node)
	var edit struct {
		Data struct {
			UpdateNode struct{ Node struct{ Name string } }
		}
		Errors []any
	}
	post(`mutation($id: ID!, $v: Int!, $name: String!, $source: ID!) { updateNode(input: {id: $id, expectedVersion: $v, name: $name,
		sources: [{source: $source}], reason: "test"}) { node { name } } }`,
		map[string]any{"id": id, "v": node.Data.Node.Version, "name": name, "source": source}, &edit)
	if len(edit.Errors) > 0 || edit.Data.UpdateNode.Node.Name != name {
		t.Fatalf("updateNode: %+v %v", edit.Data, edit.Errors)
	}
}

// postGraphQL posts a GraphQL request body to the server, with a bearer
// token unless it is empty, and decodes the answer into out.
func postGraphQL(t *testing.T, url string, doc []byte, token string, out any) {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/graphql", bytes.NewReader(doc))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}
