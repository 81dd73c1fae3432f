package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The zone de vie sociale of docs/maps.md imports into the default dataset
// as the page says: its commune and its facility exist.
func TestMapsGuideZoneImports(t *testing.T) {
	b, err := os.ReadFile("docs/maps.md")
	if err != nil {
		t.Fatal(err)
	}
	section := string(b)[strings.Index(string(b), "### The zone de vie sociale contract"):]
	zone := regexp.MustCompile("(?s)```json\n(.*?)```").FindStringSubmatch(section)
	if zone == nil {
		t.Fatal("the zone contract lost its example")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "zones.geojson")
	os.WriteFile(file, []byte(zone[1]), 0o644)
	out, err := exec.Command(binary, "import", "-data", filepath.Join(dir, "data"), "-layer", "zone-de-vie-sociale", "-dry-run", file).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "1 territory(ies) created") || !strings.Contains(string(out), "2 relation(s) would be written") {
		t.Errorf("the zone of docs/maps.md: %v\n%s", err, out)
	}
}
