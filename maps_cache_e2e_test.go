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

	post := func(query string, vars map[string]any, out any) {
		t.Helper()
		doc, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		postGraphQL(t, srv.url, doc, admin, out)
	}
	var node struct {
		Data struct{ Node struct{ Version int } }
	}
	post(`{ node(id: "insee-13001") { version } }`, nil, &node)
	var edit struct {
		Data struct {
			UpdateNode struct{ Node struct{ Name string } }
		}
		Errors []any
	}
	post(`mutation($v: Int!) { updateNode(input: {id: "insee-13001", expectedVersion: $v, name: "Aix-en-Provence (renamed)",
		sources: [{source: "cog-insee-2018"}], reason: "test"}) { node { name } } }`, map[string]any{"v": node.Data.Node.Version}, &edit)
	if len(edit.Errors) > 0 || edit.Data.UpdateNode.Node.Name != "Aix-en-Provence (renamed)" {
		t.Fatalf("updateNode: %+v %v", edit.Data, edit.Errors)
	}

	after, newTag := answer()
	if !strings.Contains(string(after), `"nom":"Aix-en-Provence (renamed)"`) || newTag == tag {
		t.Errorf("after the edit: ETag %q (was %q), renamed %v", newTag, tag, strings.Contains(string(after), "renamed"))
	}
	if resp, _ := fetch("identity", tag); resp.StatusCode != http.StatusOK {
		t.Errorf("the ETag of before the edit: %d, want 200", resp.StatusCode)
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
