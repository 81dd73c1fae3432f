package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// startWithAdmin creates an admin token in a new data directory, then
// starts the server on it.
func startWithAdmin(t *testing.T, args ...string) (srv *server, data, admin string) {
	t.Helper()
	data = t.TempDir()
	out, errOut, err := runCLI(t, nil, "token", "create", "-data", data, "-role", "admin", "-name", "ops")
	if err != nil {
		t.Fatalf("token create: %v\n%s", err, errOut)
	}
	return startServer(t, data, args...), data, lastLine(out)
}

func TestDataWorkWhileServing(t *testing.T) {
	srv, data, admin := startWithAdmin(t)
	dir := t.TempDir()
	env := []string{"CCCS_TOKEN=" + admin, "CCCS_SERVER=" + srv.url}
	// The example of docs/dataset.md, without its onBehalfOf: a dry run says
	// what changes, field by field, and that the rest of caf-13 stays.
	file := filepath.Join(dir, "caf.yaml")
	os.WriteFile(file, []byte(`nodes:
  - id: caf-13
    kind: organization
    name: Caisse d'Allocations Familiales des Bouches-du-Rhône
    aliases: [CAF 13, CAF des BdR]
    fields: {category: social-security, website: "https://www.caf.fr"}
    sources: [{source: seed-000, excerpt: "la Caf des Bouches-du-Rhône (Caf 13)"}]
`), 0o644)
	out, errOut, err := runCLI(t, env, "import", "-dry-run", file)
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, errOut)
	}
	for _, want := range []string{"changed node caf-13", `fields.website: (none) -> "https://www.caf.fr"`, "aliases:", "nothing was written"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "description") {
		t.Errorf("dry run touches the description the file does not mention:\n%s", out)
	}
	out, errOut, err = runCLI(t, env, "import", file)
	if err != nil || !strings.Contains(out, "1 node(s) and 0 relation(s) written") {
		t.Fatalf("import: %v\n%s%s", err, out, errOut)
	}
	var got struct {
		Data struct {
			Node struct {
				Website, Description string
				Aliases              []string
				Sources              []struct{ Excerpt string }
				History              struct {
					Nodes []struct{ Actor, Operation string }
				}
			}
		}
	}
	srv.post(t, `{ node(id: "caf-13") { ... on Organization { website description aliases sources { excerpt } } history { nodes { actor operation } } } }`, &got)
	n := got.Data.Node
	if n.Website != "https://www.caf.fr" || n.Description == "" || len(n.Sources) < 4 || len(n.Aliases) < 3 {
		t.Errorf("caf-13 after the import: %+v (its description, aliases and sources are kept)", n)
	}
	if h := n.History.Nodes; len(h) != 2 || h[1].Actor != "ops" || h[1].Operation != "UPDATE_NODE" {
		t.Errorf("history %+v", h)
	}
	// A layer, through the server.
	layer := filepath.Join(dir, "zones.geojson")
	os.WriteFile(layer, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"13001-a","nom":"Zone A","commune":"13001"},
	  "geometry":{"type":"Polygon","coordinates":[[[5.4,43.5],[5.5,43.5],[5.5,43.6],[5.4,43.6],[5.4,43.5]]]}}]}`), 0o644)
	out, errOut, err = runCLI(t, env, "import", "-layer", "zone-de-vie-sociale", "-dry-run", layer)
	if err != nil || !strings.Contains(out, "1 territory(ies) created") || !strings.Contains(out, "relation(s) would be written\nnothing was written") {
		t.Fatalf("layer dry run: %v\n%s%s", err, out, errOut)
	}
	out, errOut, err = runCLI(t, env, "import", "-layer", "zone-de-vie-sociale", layer)
	if err != nil || !strings.Contains(out, "1 territory(ies) created") {
		t.Fatalf("layer: %v\n%s%s", err, out, errOut)
	}
	// Export and backup through the server; the backup restores elsewhere.
	exported := filepath.Join(dir, "export.yaml")
	if _, errOut, err := runCLI(t, env, "export", "-o", exported); err != nil {
		t.Fatalf("export: %v\n%s", err, errOut)
	}
	if b, _ := os.ReadFile(exported); !strings.Contains(string(b), "https://www.caf.fr") || !strings.Contains(string(b), "zvs-13001-a") {
		t.Error("the export lacks the imported facts")
	}
	backup := filepath.Join(dir, "backup.bin")
	if _, errOut, err := runCLI(t, env, "backup", "-o", backup); err != nil {
		t.Fatalf("backup: %v\n%s", err, errOut)
	}
	restored := filepath.Join(dir, "restored")
	if _, errOut, err := runCLI(t, nil, "restore", "-data", restored, backup); err != nil {
		t.Fatalf("restore: %v\n%s", err, errOut)
	}
	again := filepath.Join(dir, "again.yaml")
	if _, errOut, err := runCLI(t, nil, "export", "-data", restored, "-o", again); err != nil {
		t.Fatalf("export of the restore: %v\n%s", err, errOut)
	}
	b1, _ := os.ReadFile(exported)
	b2, _ := os.ReadFile(again)
	if string(b1) != string(b2) {
		t.Error("the restored graph differs from the served one")
	}
	// Without the server, the held directory says where to go.
	if _, errOut, err := runCLI(t, nil, "import", "-data", data, file); err == nil || !strings.Contains(errOut, "-server") {
		t.Errorf("import on the held directory: %v\n%s", err, errOut)
	}
	// An editor token may not import.
	out, _, _ = runCLI(t, []string{"CCCS_TOKEN=" + admin}, "token", "create", "-server", srv.url, "-role", "editor", "-name", "caf")
	if _, errOut, err := runCLI(t, []string{"CCCS_TOKEN=" + lastLine(out), "CCCS_SERVER=" + srv.url}, "import", file); err == nil || !strings.Contains(errOut, "needs admin") {
		t.Errorf("import with an editor token: %v\n%s", err, errOut)
	}
}
