package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
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
	bin := buildServer(t)
	data := t.TempDir()
	if out, err := exec.Command(bin, "import", "-data", data, "-layer", "commune", "-source", "cog-insee-2018", communes).CombinedOutput(); err != nil {
		t.Fatalf("import -layer commune: %v\n%s", err, out)
	}
	addr := startServer(t, bin, "serve", "-data", data, "-addr", "127.0.0.1:0")

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
}

// buildServer builds the server binary into a directory it can run from:
// the test's temporary directory, or the user cache when /tmp is noexec.
func buildServer(t *testing.T) string {
	t.Helper()
	dirs := []string{t.TempDir()}
	if cache, err := os.UserCacheDir(); err == nil {
		dir, err := os.MkdirTemp(cache, "cccs-graph-test-")
		if err == nil {
			t.Cleanup(func() { os.RemoveAll(dir) })
			dirs = append(dirs, dir)
		}
	}
	for _, dir := range dirs {
		bin := filepath.Join(dir, "cccs-graph")
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		err := exec.Command(bin, "-h").Run()
		if !errors.Is(err, syscall.EACCES) && !errors.Is(err, os.ErrPermission) {
			return bin
		}
		t.Logf("cannot run a binary from %s (noexec?): %v", dir, err)
	}
	t.Fatal("found no directory to run the server binary from")
	return ""
}

// startServer runs the server until the test ends and returns the address
// of its "listening" log line.
func startServer(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
		}
	})
	addr := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			var entry struct{ Msg, Addr string }
			if json.Unmarshal(lines.Bytes(), &entry) == nil && entry.Msg == "listening" {
				addr <- entry.Addr
				break
			}
		}
		io.Copy(io.Discard, stdout) // keep draining the request logs
	}()
	select {
	case a := <-addr:
		return a
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not log that it listens within 30 s")
		return ""
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
