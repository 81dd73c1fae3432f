package main

import (
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cccs13/cccs-graph/internal/geotest"
)

// TestMapsWithOGR proves the maps endpoints with a real client: GDAL's
// ogrinfo (Debian package gdal-bin, installed by .ci/run) reads the communes
// from the GeoJSON endpoint and from the OGC API - Features endpoint of the
// real server, built and started on 127.0.0.1 after a CLI import.
func TestMapsWithOGR(t *testing.T) {
	ogrinfo, err := exec.LookPath("ogrinfo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ogrinfo is not on PATH: .ci/run installs gdal-bin")
		}
		t.Skip("ogrinfo is not on PATH (apt-get install gdal-bin)")
	}
	communes := geotest.Path(t, geotest.Communes)
	data := t.TempDir()
	if out, err := exec.Command(binary, "import", "-data", data, "-layer", "commune", "-source", "cog-insee-2018", communes).CombinedOutput(); err != nil {
		t.Fatalf("import -layer commune: %v\n%s", err, out)
	}
	srv := startServer(t, data)
	addr := strings.TrimPrefix(srv.url, "http://")

	for name, source := range map[string][]string{
		"GeoJSON": {"GeoJSON:http://" + addr + "/geo/communes.geojson", "communes"},
		"OAPIF":   {"OAPIF:http://" + addr + "/ogc", "communes"},
	} {
		t.Run(name, func(t *testing.T) {
			summary := runOGR(t, ogrinfo, "-ro", "-so", source[0], source[1])
			wantLines(t, summary, "Feature Count: 119", "code: String", "nom: String")
			marseille := runOGR(t, ogrinfo, "-ro", "-geom=SUMMARY", source[0], source[1], "-where", "code='13055'")
			wantLines(t, marseille, "id (String) = insee-13055", "nom (String) = Marseille", "MULTIPOLYGON : 8 geometries")
		})
	}
	// GDAL asks for gzip (its CPL_CURL_GZIP is on by default), so it read
	// the compressed forms of the answers.
	for _, path := range []string{"/geo/communes.geojson", "/ogc/collections/communes/items"} {
		if !regexp.MustCompile(`"path":"` + path + `","status":200,"bytes":\d+,"encoding":"gzip"`).MatchString(srv.logs.String()) {
			t.Errorf("no gzip answer to GDAL's GET %s in the server's log", path)
		}
	}
	if code := srv.stop(t); code != 0 {
		t.Errorf("exit code %d after SIGTERM", code)
	}
}

// runOGR runs ogrinfo with no proxy between it and the local server.
func runOGR(t *testing.T, ogrinfo string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, ogrinfo, args...)
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost", "GDAL_HTTP_TIMEOUT=30")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// wantLines fails unless out holds every wanted text.
func wantLines(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("ogrinfo output lacks %q:\n%s", want, out)
		}
	}
}
