package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// import refuses options after the files (the flag package would read them
// as file names) and the dataset options given to a layer, writing nothing;
// token revoke, options after the token's name.
func TestImportArgumentsAreChecked(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	for args, want := range map[string]string{
		"-layer canton cantons.geojson -source cog-insee-2018": `the options go before the files: "-source" comes after one`,
		"caf.yaml -dry-run":                         `the options go before the files: "-dry-run" comes after one`,
		"-layer canton -reason why cantons.geojson": "-replace and -reason go with dataset files, not -layer",
		"-layer canton -replace cantons.geojson":    "-replace and -reason go with dataset files, not -layer",
	} {
		out, err := exec.Command(binary, append([]string{"import", "-data", data}, strings.Fields(args)...)...).CombinedOutput()
		if err == nil || !strings.Contains(string(out), want) {
			t.Errorf("import %s: %v %s, want %q", args, err, out, want)
		}
	}
	out, err := exec.Command(binary, "token", "revoke", "-data", data, "caf", "-server", "http://127.0.0.1:1").CombinedOutput()
	if err == nil || !strings.Contains(string(out), `the options go before the token's name: "-server" comes after it`) {
		t.Errorf("token revoke caf -server: %v %s", err, out)
	}
}
