package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/cccs13/cccs-graph"

// layers says which of the project's packages each package may import: the
// table of docs/architecture.md. A new package needs a row.
var layers = map[string][]string{
	"domain":                       {},
	"etag":                         {},
	"edge":                         {"domain"},
	"store":                        {"domain", "internal/bytelru"},
	"loaders":                      {"domain", "store"},
	"graph/model":                  {"domain", "store", "loaders", "analysis"},
	"analysis":                     {"domain", "store"},
	"graph":                        {"domain", "store", "loaders", "graph/model", "edge", "etag", "analysis", "auth", "internal/bytelru"},
	"auth":                         {"domain", "store"},
	"geo":                          {"domain", "store", "edge", "etag", "internal/bytelru"},
	"export":                       {"domain", "store", "edge", "etag"},
	"web/explorer":                 {},
	"internal/geotest":             {},
	"internal/synth":               {"domain", "store"},
	"internal/geotest/geostore":    {"store", "internal/geotest"},
	"web/viewer":                   {"domain", "edge"},
	"internal/abuse":               {},
	"internal/bytelru":             {},
	"bench/dataset":                {"internal/synth"},
	"bench/loadgen":                {},
	"bench/load":                   {"internal/abuse"},
	"internal/generate":            {"internal/generate/fieldhooks", "internal/generate/plangen"},
	"internal/generate/fieldhooks": {},
	"internal/generate/plangen":    {},
	"":                             {"domain", "store", "edge", "graph", "geo", "export", "etag", "loaders", "graph/model", "web/explorer", "web/viewer", "analysis", "auth"},
}

// imports lists each package of the module with its imports (not its tests').
func imports(t *testing.T) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkgs[strings.TrimPrefix(strings.TrimPrefix(f[0], module), "/")] = f[1:]
	}
	return pkgs
}

// The layers hold: each package imports only the project packages its row
// allows; only store imports Badger; store imports neither gqlgen nor
// net/http; domain and edge import nothing outside the standard library
// but the domain.
func TestLayers(t *testing.T) {
	for pkg, imps := range imports(t) {
		allowed, ok := layers[pkg]
		if !ok {
			t.Errorf("package %q has no row in the layer table (architecture_test.go, docs/architecture.md)", pkg)
			continue
		}
		for _, imp := range imps {
			switch {
			case strings.HasPrefix(imp, module):
				if p := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/"); !slices.Contains(allowed, p) {
					t.Errorf("%s imports %s: not allowed by its layer", name(pkg), p)
				}
			case strings.HasPrefix(imp, "github.com/dgraph-io/badger") && pkg != "store":
				t.Errorf("%s imports Badger: only store may", name(pkg))
			case pkg == "store" && (strings.Contains(imp, "gqlgen") || strings.Contains(imp, "gqlparser") || imp == "net/http"):
				t.Errorf("store imports %s: the store knows nothing of GraphQL or HTTP", imp)
			case (pkg == "domain" || pkg == "edge") && strings.Contains(strings.Split(imp, "/")[0], "."):
				t.Errorf("%s imports %s: it takes the standard library only", pkg, imp)
			}
		}
	}
}

// The layers above the store read it through interfaces: no package but
// main names the concrete *store.Store (tests aside).
func TestNoConcreteStoreAboveTheStore(t *testing.T) {
	for _, dir := range []string{"graph", "graph/model", "loaders", "geo", "export", "edge", "analysis", "auth"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(b), "\n") {
				if code, _, _ := strings.Cut(line, "//"); strings.Contains(code, "*store.Store") {
					t.Errorf("%s:%d names *store.Store: take an interface (docs/architecture.md)", f, i+1)
				}
			}
		}
	}
}

func name(pkg string) string {
	if pkg == "" {
		return "main"
	}
	return pkg
}
