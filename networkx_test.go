package main

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// networkxPython returns a Python interpreter that imports networkx and
// the other modules given: the one on PATH, or Debian's (python3-networkx,
// python3-scipy, which .ci/run installs). Without one the test is skipped
// on a developer's machine and fails in CI.
func networkxPython(t *testing.T, more ...string) string {
	t.Helper()
	modules := strings.Join(append([]string{"networkx"}, more...), ", ")
	for _, name := range []string{"python3", "/usr/bin/python3"} {
		path, err := exec.LookPath(name)
		if err == nil && exec.Command(path, "-c", "import "+modules).Run() == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("no python3 with %s: .ci/run installs python3-networkx and python3-scipy", modules)
	}
	t.Skipf("no python3 with %s (apt-get install python3-networkx python3-scipy)", modules)
	return ""
}

// networkxView is what testdata/networkx_check.py prints.
type networkxView struct {
	NetworkX           string
	Directed           bool
	Nodes, Edges       int
	Path               []string
	ValidFromYearTypes []string
	SignatoryTypes     []string
}

// TestNetworkXReadsTheGraphMLExport loads the GraphML export in NetworkX, a
// real analyst's client, and compares it with what the API says.
func TestNetworkXReadsTheGraphMLExport(t *testing.T) {
	python := networkxPython(t)
	srv := testServer(t)
	for _, asOf := range []string{"", "2015", "2019"} {
		t.Run("asOf="+asOf, func(t *testing.T) {
			resp, body := fetch(t, srv, "/export/network.graphml?asOf="+asOf)
			if resp.StatusCode != 200 {
				t.Fatalf("export: %d %s", resp.StatusCode, body)
			}
			file := filepath.Join(t.TempDir(), "network.graphml")
			if err := os.WriteFile(file, body, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(python, "testdata/networkx_check.py", file, "msa-provence-azur", "ucs-13").Output()
			if err != nil {
				t.Fatalf("networkx_check.py: %v\n%s", err, out)
			}
			var nx networkxView
			if err := json.Unmarshal(out, &nx); err != nil {
				t.Fatalf("networkx_check.py printed %s: %v", out, err)
			}
			t.Logf("NetworkX %s: %d nodes, %d edges, path %v", nx.NetworkX, nx.Nodes, nx.Edges, nx.Path)

			api := apiView(t, srv, asOf)
			if nx.Nodes != api.Stats.NodeCount || nx.Edges != api.Stats.RelationCount || !nx.Directed {
				t.Errorf("NetworkX reads %d nodes and %d edges (directed %v), the API counts %d and %d",
					nx.Nodes, nx.Edges, nx.Directed, api.Stats.NodeCount, api.Stats.RelationCount)
			}
			apiHasPath := api.ShortestPath != nil
			if (nx.Path != nil) != apiHasPath || apiHasPath && len(nx.Path)-1 != api.ShortestPath.Length {
				t.Errorf("MSA to UCS 13: NetworkX path %v, API path %+v", nx.Path, api.ShortestPath)
			}
			// The known path: MSA Provence Azur signs the Convention Cadre from
			// 2019, as UCS 13 does from 2015, so it exists except in 2015.
			if wantPath := asOf != "2015"; (nx.Path != nil) != wantPath {
				t.Errorf("NetworkX path from MSA to UCS 13 = %v, want one: %v", nx.Path, wantPath)
			}
			if !slices.Equal(nx.SignatoryTypes, []string{"bool"}) || len(nx.ValidFromYearTypes) > 0 && !slices.Equal(nx.ValidFromYearTypes, []string{"int"}) {
				t.Errorf("typed attributes read as %v (signatory) and %v (validFromYear), want bool and int", nx.SignatoryTypes, nx.ValidFromYearTypes)
			}
		})
	}
}

type apiCounts struct {
	Stats        struct{ NodeCount, RelationCount int }
	ShortestPath *struct{ Length int }
}

// apiView asks the API for the counts and the path NetworkX is compared with.
func apiView(t *testing.T, srv *httptest.Server, asOf string) apiCounts {
	t.Helper()
	arg := ""
	if asOf != "" {
		arg = fmt.Sprintf(`(asOf: %q)`, asOf)
	}
	pathArgs := `from: "msa-provence-azur", to: "ucs-13"`
	if asOf != "" {
		pathArgs += fmt.Sprintf(`, asOf: %q`, asOf)
	}
	var out apiCounts
	graphQL(t, srv, fmt.Sprintf(`{ stats%s { nodeCount relationCount } shortestPath(%s) { length } }`, arg, pathArgs), &out)
	return out
}
