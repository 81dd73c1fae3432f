package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// maplibreVersion is the MapLibre GL JS the map page is checked with.
const maplibreVersion = "6.17.0"

// mapPage is the MapLibre page of docs/maps.md, reduced to what the test
// reads: it draws the server's style, then posts what it rendered (or the
// first error) to /result.
const mapPage = `<!doctype html>
<html>
<head>
  <meta charset="utf-8">
  <title>Réseau CCCS 13</title>
  <link rel="stylesheet" href="/maplibre-gl/maplibre-gl.css">
  <style>body { margin: 0 } #map { width: 800px; height: 600px }</style>
</head>
<body>
  <div id="map"></div>
  <script type="module">
    import * as maplibregl from "/maplibre-gl/maplibre-gl.mjs";
    const api = new URLSearchParams(location.search).get("api");
    const map = new maplibregl.Map({
      container: "map", style: api + "/ogc/styles/network?datetime=2019-06-27",
      center: [5.40, 43.35], zoom: 9.5,
    });
    const report = (body) => fetch("/result", {method: "POST", body});
    map.on("error", (e) => report("error " + (e.error && e.error.message)));
    map.once("idle", () => {
      const codes = (layer) => [...new Set(map.queryRenderedFeatures({layers: [layer]}).map((f) => f.properties.code || f.properties.id))].sort();
      const partners = map.queryRenderedFeatures({layers: ["communes-fill"]}).filter((f) => f.properties.signatory).map((f) => f.properties.code);
      report(JSON.stringify({
        communes: codes("communes-fill").length, partners: [...new Set(partners)].sort(), facilities: codes("facilities"),
      }));
    });
  </script>
</body>
</html>
`

// maplibreDist returns the dist/ folder of maplibre-gl from npm: the one
// named by MAPLIBRE_GL_DIST, else installed with npm in a temporary folder.
// The test is skipped outside CI when npm is absent.
func maplibreDist(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("MAPLIBRE_GL_DIST"); dir != "" {
		return dir
	}
	npm := client(t, "npm", "npm")
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix", dir, "maplibre-gl@"+maplibreVersion)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install maplibre-gl: %v\n%s", err, out)
	}
	return filepath.Join(dir, "node_modules", "maplibre-gl", "dist")
}

// TestMapLibrePage opens a MapLibre page in headless Chromium with no
// network but 127.0.0.1: the library is served by the test from npm's
// package, the style, tiles and data by the real server. The page draws the
// partner communes of 2019 and the facilities open then (the test's among
// them) from the vector tiles.
func TestMapLibrePage(t *testing.T) {
	browser := client(t, "chromium", "chromium")
	dist := maplibreDist(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	results := make(chan string, 8)
	mux := http.NewServeMux()
	mux.Handle("/maplibre-gl/", http.StripPrefix("/maplibre-gl/", http.FileServer(http.Dir(dist))))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(mapPage))
	})
	mux.HandleFunc("POST /result", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
		results <- string(body)
	})
	pages := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go pages.Serve(ln)
	t.Cleanup(func() { pages.Close() })
	origin := "http://" + ln.Addr().String()

	srv := networkServerWith(t, "-cors-origins", origin)
	page := origin + "/?api=" + url.QueryEscape(srv.url)
	cmd := exec.Command(browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--use-angle=swiftshader", "--enable-unsafe-swiftshader", "--window-size=800,600",
		"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
		"--user-data-dir="+t.TempDir(), page)
	if err := cmd.Start(); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var result string
	select {
	case result = <-results:
	case <-time.After(90 * time.Second):
		t.Fatal("the page reported nothing in 90 s")
	}
	if strings.HasPrefix(result, "error") {
		t.Fatalf("the page failed: %.300s", result)
	}
	var got struct {
		Communes   int
		Partners   []string
		Facilities []string
	}
	if err := json.Unmarshal([]byte(result), &got); err != nil {
		t.Fatalf("%v in %.300s", err, result)
	}
	t.Logf("the map rendered %+v", got)
	if got.Communes < 10 || !slices.Contains(got.Partners, "13001") || !slices.Contains(got.Partners, "13055") || slices.Contains(got.Partners, "13002") ||
		!slices.Contains(got.Facilities, "cs-test-port") || !slices.Contains(got.Facilities, "mpt-test") || !slices.Contains(got.Facilities, "evs-aix-est") {
		t.Errorf("the map rendered %+v", got)
	}
	srv.stop(t)
}
