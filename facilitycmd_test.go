package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The maintainers' command: import -layer facility FILE.csv, on a real data
// directory (the default dataset is loaded first).
func TestImportFacilitySpreadsheet(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	run := func(args ...string) (string, error) {
		out, err := exec.Command(binary, append([]string{"import", "-data", data, "-layer", "facility"}, args...)...).CombinedOutput()
		return string(out), err
	}
	sheet := filepath.Join(dir, "centres.csv")
	os.WriteFile(sheet, []byte("name,type,street_address,postcode,commune,insee_code,federation,manager,first_agrement_date,siret,latitude,longitude,source_url,source_excerpt\n"+
		"Centre social du Relevé,centre social,3 place du Test,13300,Salon-de-Provence,13103,,,,,43.64,5.09,https://example.org/releve,[1] Centre social du Relevé\n"), 0o644)
	out, err := run("-dry-run", sheet)
	if err != nil || !strings.Contains(out, "checked (dry run, nothing written) facilities") || !strings.Contains(out, "1 facility(ies) created") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	out, err = run(sheet)
	if err != nil || !strings.Contains(out, "1 row(s); 1 facility(ies) created") {
		t.Fatalf("first import: %v\n%s", err, out)
	}
	out, err = run(sheet)
	if err != nil || !strings.Contains(out, "0 facility(ies) created, 0 updated, 1 unchanged; 0 source(s) created, 0 relation(s) written") {
		t.Fatalf("second import: %v\n%s", err, out)
	}
	bad := filepath.Join(dir, "bad.csv")
	b, _ := os.ReadFile(sheet)
	os.WriteFile(bad, []byte(strings.Replace(string(b), ",13103,", ",13999,", 1)+"X,crèche,,,Salon-de-Provence,13103,,,,,,,https://example.org/x,[1] X\n"), 0o644)
	out, err = run(bad)
	if err == nil || !strings.Contains(out, `line 2: insee_code "13999"`) || !strings.Contains(out, `line 3: type "crèche"`) {
		t.Fatalf("bad import: %v\n%s", err, out)
	}
	if shared := filepath.Join("..", "shared", "data", "network", "facilities.csv"); fileExists(shared) {
		out, err = run(shared)
		if err != nil || !strings.Contains(out, "77 row(s); 0 facility(ies) created, 0 updated, 77 unchanged") {
			t.Fatalf("the shared spreadsheet is in the default dataset: %v\n%s", err, out)
		}
	}
}

func fileExists(name string) bool {
	_, err := os.Stat(name)
	return err == nil
}
