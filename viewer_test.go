package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/internal/geotest"
)

// TestViewerInABrowser opens /view in headless Chromium (Debian package
// chromium, installed by .ci/run), driven over the DevTools protocol with no
// network but the server's: the page draws exactly the neighbourhood the API
// gives at each date, names each relation by its export id, shows the
// signatories of the year the slider is moved to, plays the years, expands a
// node from the keyboard, shows a relation's sources and the partner
// communes on the map. Screenshots go to testdata/artifacts/ (gitignored).
func TestViewerInABrowser(t *testing.T) {
	browser := chromiumPath(t)
	communes := geotest.Path(t, geotest.Communes)
	data := t.TempDir()
	if out, err := exec.Command(binary, "import", "-data", data, "-layer", "commune", "-source", "cog-insee-2018", communes).CombinedOutput(); err != nil {
		t.Fatalf("import -layer commune: %v\n%s", err, out)
	}
	s := startServer(t, data)
	exported := exportedRelationIDs(t, s)
	artifacts := artifactsDir(t)

	b := newBrowser(t, browser, s.url)
	for _, asOf := range []string{"2019", "1995"} {
		t.Run("drawn as of "+asOf, func(t *testing.T) {
			tiles := s.tilesServed(t)
			b.open(t, "/view?id=caf-13&asOf="+asOf)
			wantNodes, wantRels := apiNeighborhood(t, s, "caf-13", asOf)
			nodes, rels := b.drawn(t)
			sameSet(t, "nodes", nodes, wantNodes)
			sameSet(t, "relations", rels, wantRels)
			for _, id := range rels {
				if !exported[id] {
					t.Errorf("relation id %q is not an id of the JSON export", id)
				}
			}
			b.checkMap(t, s, asOf)
			b.checkMapSources(t, asOf)
			if n := s.tilesServed(t); n <= tiles {
				t.Errorf("the map of %s drew no vector tile of the communes: %d tiles served before, %d after", asOf, tiles, n)
			}
			b.screenshot(t, filepath.Join(artifacts, "viewer-caf-13-"+asOf+".png"))
		})
	}
	t.Run("the slider moved to 2015 shows 18 signatories", func(t *testing.T) {
		b.open(t, "/view?id=caf-13&asOf=2010")
		b.do(t, chromedp.Focus(chromedp.CSS("#year")))
		for range 5 {
			b.do(t, chromedp.KeyEvent(kb.ArrowRight))
		}
		b.waitReady(t, "2015")
		caption := eval[string](t, b, `document.getElementById("chart-caption").textContent`)
		count := eval[string](t, b, `document.getElementById("chart-caption").dataset.count`)
		current := eval[string](t, b, `[...document.querySelectorAll("#chart .bar.current")].map(g => g.dataset.year + ":" + g.dataset.count).join()`)
		if count != "18" || current != "2015:18" || !strings.HasPrefix(caption, "2015: 18 signatories") {
			t.Errorf("chart at 2015: caption %q, count %q, current bar %q; want 18", caption, count, current)
		}
		if href := eval[string](t, b, `location.search`); !strings.Contains(href, "asOf=2015") {
			t.Errorf("the URL does not hold the slider's date: %s", href)
		}
		wantNodes, wantRels := apiNeighborhood(t, s, "caf-13", "2015")
		nodes, rels := b.drawn(t)
		sameSet(t, "nodes in 2015", nodes, wantNodes)
		sameSet(t, "relations in 2015", rels, wantRels)
		b.screenshot(t, filepath.Join(artifacts, "viewer-slider-2015.png"))
	})
	t.Run("play redraws the next years", func(t *testing.T) {
		b.open(t, "/view?id=caf-13&asOf=2016")
		b.do(t, chromedp.Focus(chromedp.CSS("#play")), chromedp.KeyEvent(kb.Enter))
		for _, year := range []int{2017, 2018} {
			b.do(t, chromedp.WaitReady(chromedp.CSS(fmt.Sprintf(`body[data-status="ready"][data-as-of="%d"]`, year))))
		}
		b.do(t, chromedp.KeyEvent(kb.Enter), chromedp.Sleep(2*playStep))
		paused := eval[string](t, b, `document.getElementById("play").getAttribute("aria-pressed") + " " + document.body.dataset.asOf`)
		b.do(t, chromedp.Sleep(2*playStep))
		if again := eval[string](t, b, `document.getElementById("play").getAttribute("aria-pressed") + " " + document.body.dataset.asOf`); !strings.HasPrefix(paused, "false ") || again != paused {
			t.Errorf("after pause: %q, then %q; want the play button up and the year still", paused, again)
		}
	})
	t.Run("keyboard expands a node; a relation shows its sources", func(t *testing.T) {
		b.open(t, "/view?id=caf-13&asOf=2019")
		before, _ := b.drawn(t)
		b.do(t, chromedp.Focus(chromedp.CSS("#node-list")), chromedp.KeyEvent(kb.End))
		last := eval[string](t, b, `document.querySelector("#node-list .active").dataset.nodeId`)
		b.do(t, chromedp.KeyEvent(kb.Enter))
		b.waitReady(t, "2019")
		href := eval[string](t, b, `location.search`)
		after, _ := b.drawn(t)
		if !strings.Contains(href, "expand="+last) || len(after) < len(before) {
			t.Errorf("Enter on %s: URL %s, %d nodes drawn (before %d)", last, href, len(after), len(before))
		}
		b.do(t,
			chromedp.Click(chromedp.CSS(`#relation-list li[data-relation-id^="caf-13>signatory>"] button`)),
			chromedp.WaitVisible(chromedp.CSS(`#details-body[data-shows="relation"] blockquote`)),
		)
		details := eval[string](t, b, `document.getElementById("details-body").innerText`)
		for _, want := range []string{"Valid from", "Sources (", "export id caf-13>signatory>"} {
			if !strings.Contains(details, want) {
				t.Errorf("relation details lack %q:\n%s", want, details)
			}
		}
		// The Caf's signature is also stated by web pages: their URLs are links.
		if n := eval[int](t, b, `document.querySelectorAll('#details-body .sources a[href^="http"]').length`); n == 0 {
			t.Error("the relation's web sources have no link to their URL")
		}
		b.screenshot(t, filepath.Join(artifacts, "viewer-relation-details.png"))
	})
	t.Run("search, and the map selects in the graph and back", func(t *testing.T) {
		b.open(t, "/view?id=caf-13&asOf=2019")
		b.do(t, chromedp.Focus(chromedp.CSS("#search")), chromedp.KeyEvent("leo lagrange"),
			chromedp.WaitVisible(chromedp.CSS(`#search-results li[data-id="leo-lagrange-mediterranee"]`)), chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter))
		b.waitReady(t, "2019")
		if href := eval[string](t, b, `location.search`); !strings.Contains(href, "id=leo-lagrange-mediterranee") {
			t.Errorf("search for leo lagrange, Enter: URL %s", href)
		}
		b.do(t, chromedp.Click(chromedp.CSS("#map-list-box summary")), chromedp.Click(chromedp.CSS(`#partner-list button[data-org-id="commune-marseille"]`)))
		b.waitReady(t, "2019")
		b.do(t, chromedp.WaitReady(chromedp.CSS(`#map[data-selected="insee-13055"]`)))
		if href := eval[string](t, b, `location.search`); !strings.Contains(href, "id=commune-marseille") || !strings.Contains(href, "node=commune-marseille") {
			t.Errorf("Marseille chosen on the map: URL %s", href)
		}
		if h := eval[string](t, b, `document.querySelector("#details-body h3")?.textContent ?? document.getElementById("details-body").textContent`); h != "Commune de Marseille" {
			t.Errorf("details of the node chosen on the map: %q", h)
		}
		b.screenshot(t, filepath.Join(artifacts, "viewer-marseille.png"))
	})
	t.Run("bad links are refused in words", func(t *testing.T) {
		b.open(t, "/view?id=Not_An_Id&depth=9&asOf="+strconv.Itoa(time.Now().Year()))
		if msg := eval[string](t, b, `document.getElementById("error").textContent`); !strings.Contains(msg, "id is not a node id") || !strings.Contains(msg, "depth is 1, 2 or 3") {
			t.Errorf("bad link: message %q", msg)
		}
		if href := eval[string](t, b, `location.search`); !strings.HasPrefix(href, "?id=cccs&") {
			t.Errorf("bad link: the page shows %s, want the default node", href)
		}
		b.open(t, "/view?id=caf-13&asOf=2019&expand=no-such-node,cccs")
		if href := eval[string](t, b, `location.search`); !strings.Contains(href, "expand=cccs") || strings.Contains(href, "no-such-node") {
			t.Errorf("an unknown expanded node is not dropped: %s", href)
		}
		b.do(t, chromedp.Navigate(b.base+"/view?id=no-such-node&asOf=2019"), chromedp.WaitReady(chromedp.CSS(`body[data-status="error"]`)))
		if msg := eval[string](t, b, `document.getElementById("error").textContent`); !strings.Contains(msg, "No node has the id “no-such-node”") {
			t.Errorf("unknown id: message %q", msg)
		}
	})
	t.Run("the explorer links to the viewer", func(t *testing.T) {
		b.do(t, chromedp.Navigate(b.base+"/"), chromedp.Click(chromedp.CSS(`a[href$="view"]`)))
		b.waitReady(t, strconv.Itoa(time.Now().Year()))
		if path := eval[string](t, b, `location.pathname`); path != "/view" {
			t.Errorf("the explorer's link leads to %s", path)
		}
	})
	t.Run("phone width", func(t *testing.T) {
		b.do(t, chromedp.EmulateViewport(390, 844))
		b.open(t, "/view?id=caf-13&asOf=2019")
		if eval[bool](t, b, `document.documentElement.scrollWidth > window.innerWidth + 1`) {
			t.Error("the page is wider than a phone's screen")
		}
		b.screenshot(t, filepath.Join(artifacts, "viewer-phone.png"))
	})
	b.reportLoad(t)
	b.checkNoForeignRequests(t)
	t.Logf("screenshots in %s", artifacts)
	s.stop(t)
}

// playStep is how long the viewer shows each year when it plays (main.js).
const playStep = 1200 * time.Millisecond

// chromiumPath finds Chromium; the test is skipped without it, but fails
// in CI.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not on PATH: .ci/run installs it")
		}
		t.Skip("chromium is not on PATH (apt-get install chromium)")
	}
	return path
}

// artifactsDir is testdata/artifacts, emptied (the folder is gitignored).
func artifactsDir(t *testing.T) string {
	dir, err := filepath.Abs(filepath.Join("testdata", "artifacts"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser is a headless Chromium tab with the requests it made.
type browser struct {
	ctx    context.Context
	base   string
	mu     sync.Mutex
	urls   []string
	bytes  int64
	loadMs []float64
	// the first page, from an empty cache
	firstBytes    int64
	firstRequests int
}

func newBrowser(t *testing.T, path, base string) *browser {
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// WebGL for MapLibre from the software renderer.
		chromedp.Flag("use-gl", "angle"), chromedp.Flag("use-angle", "swiftshader"), chromedp.Flag("enable-unsafe-swiftshader", true),
		// No network: every host name but the server's address fails.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelTab(); cancelAlloc() })
	b := &browser{ctx: ctx, base: base}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 800)); err != nil { // starts the browser
		t.Fatalf("chromium: %v", err)
	}
	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.urls = append(b.urls, e.Request.URL)
		case *network.EventLoadingFinished:
			b.bytes += int64(e.EncodedDataLength)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// do runs steps in the tab, each within a minute.
func (b *browser) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("chromium: %v", err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("chromium: %s: %v", expr, err)
	}
	return v
}

// open loads a page of the viewer and waits until it has drawn its state.
func (b *browser) open(t *testing.T, path string) {
	t.Helper()
	b.do(t, chromedp.Navigate(b.base+path))
	u, err := url.Parse(path)
	if err != nil {
		t.Fatal(err)
	}
	b.waitReady(t, u.Query().Get("asOf"))
	ms := eval[float64](t, b, `performance.now()`)
	b.mu.Lock()
	if len(b.loadMs) == 0 {
		b.firstBytes, b.firstRequests = b.bytes, len(b.urls)
	}
	b.loadMs = append(b.loadMs, ms)
	b.mu.Unlock()
}

// waitReady waits until the page has drawn the date asOf.
func (b *browser) waitReady(t *testing.T, asOf string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	sel := fmt.Sprintf(`body[data-status="ready"][data-as-of=%q]`, asOf)
	if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(sel))); err != nil {
		status := eval[string](t, b, `document.body.dataset.status + " " + document.body.dataset.asOf + ", playing " + document.getElementById("play").getAttribute("aria-pressed") + ": " + document.getElementById("error").textContent`)
		t.Fatalf("the page did not draw %s: %s (%v)", asOf, status, err)
	}
}

// drawn returns the ids the page marks as drawn (data-node-id,
// data-relation-id).
func (b *browser) drawn(t *testing.T) (nodes, rels []string) {
	t.Helper()
	nodes = eval[[]string](t, b, `[...document.querySelectorAll("[data-node-id]")].map(e => e.dataset.nodeId)`)
	rels = eval[[]string](t, b, `[...document.querySelectorAll("[data-relation-id]")].map(e => e.dataset.relationId)`)
	return nodes, rels
}

// checkMap compares the partner communes on the map pane with the API's
// signatories at asOf, and checks that the map drew them when WebGL works.
func (b *browser) checkMap(t *testing.T, s *server, asOf string) {
	t.Helper()
	var out struct {
		Data struct {
			Signatories struct {
				Nodes []struct{ Territory *struct{ ID, Type string } }
			}
			Facilities struct {
				Nodes []struct {
					Location *struct{ Lon float64 }
					Status   string
				}
			}
		}
	}
	s.post(t, fmt.Sprintf(`{ signatories(asOf: %q, first: 200) { nodes { territory { id type } } }
		facilities(first: 500) { nodes { location { lon } status(asOf: %q) } } }`, asOf, asOf), &out)
	open := 0
	for _, f := range out.Data.Facilities.Nodes {
		if f.Location != nil && f.Status == "OPEN" {
			open++
		}
	}
	var want []string
	for _, n := range out.Data.Signatories.Nodes {
		if n.Territory != nil && n.Territory.Type == "COMMUNE" {
			want = append(want, n.Territory.ID)
		}
	}
	got := eval[[]string](t, b, `[...document.querySelectorAll("#partner-list [data-feature-id]")].map(e => e.dataset.featureId)`)
	sameSet(t, "partner communes on the map", got, want)
	if pane, want := eval[string](t, b, `(m => m.communes + " " + m.facilities + " " + m.asOf)(document.getElementById("map").dataset)`), fmt.Sprintf("119 %d %s", open, asOf); pane != want {
		t.Errorf("map pane: communes, facilities and date %q, want %q", pane, want)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`(m => m.rendered === "false" || (m.idleAsOf === %q && +m.partnersRendered === %d && +m.facilitiesRendered === %d))(document.getElementById("map").dataset)`, asOf, len(want), open),
		chromedp.WithPollingInterval(200*time.Millisecond)))
	drawn := eval[string](t, b, `(m => m.rendered + " " + m.partnersRendered + " " + m.facilitiesRendered)(document.getElementById("map").dataset)`)
	switch {
	case strings.HasPrefix(drawn, "false"):
		t.Logf("the map could not render here (no WebGL): its data was checked, not its drawing")
	case err != nil:
		t.Errorf("the map did not draw the %d partner communes and %d facilities of %s: rendered, partners, facilities drawn: %s (%v)", len(want), open, asOf, drawn, err)
	}
}

// checkMapSources checks that the page asked for the map's layers of asOf
// at the server's map endpoints: the TileJSON of the communes' vector tiles
// with the datetime of asOf (the server carries it into the tile URLs, which
// MapLibre's worker fetches out of the page's sight: tilesServed counts
// them), and the facilities' GeoJSON with asOf.
func (b *browser) checkMapSources(t *testing.T, asOf string) {
	t.Helper()
	datetime := asOf + "-01-01/" + asOf + "-12-31"
	want := []struct {
		path  *regexp.Regexp
		param string
		value string
	}{
		{regexp.MustCompile(`^/ogc/collections/communes/tiles/WebMercatorQuad/tilejson\.json$`), "datetime", datetime},
		{regexp.MustCompile(`^/geo/facilities\.geojson$`), "asOf", asOf},
	}
	b.mu.Lock()
	urls := slices.Clone(b.urls)
	b.mu.Unlock()
	for _, w := range want {
		if !slices.ContainsFunc(urls, func(raw string) bool {
			u, err := url.Parse(raw)
			return err == nil && w.path.MatchString(u.Path) && u.Query().Get(w.param) == w.value
		}) {
			t.Errorf("the map of %s made no request to %s with %s=%s", asOf, w.path, w.param, w.value)
		}
	}
}

// tilesServed counts the vector tiles of the communes the server has
// answered with 200, from its request log.
func (s *server) tilesServed(t *testing.T) int {
	t.Helper()
	n := 0
	for line := range strings.SplitSeq(s.logs.String(), "\n") {
		var e struct {
			Msg, Path string
			Status    int
		}
		if json.Unmarshal([]byte(line), &e) == nil && e.Msg == "request" && e.Status == http.StatusOK && communeTile.MatchString(e.Path) {
			n++
		}
	}
	return n
}

var communeTile = regexp.MustCompile(`^/ogc/collections/communes/tiles/WebMercatorQuad/\d+/\d+/\d+$`)

func (b *browser) screenshot(t *testing.T, path string) {
	t.Helper()
	b.do(t, chromedp.Sleep(300*time.Millisecond))
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// reportLoad logs the bytes the browser received and the time each page
// took to draw (figures for the README, not assertions).
func (b *browser) reportLoad(t *testing.T) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t.Logf("viewer: first page %d requests, %d bytes received (empty cache); in all %d requests, %d bytes; time to the drawn state of each page (ms): %.0f",
		b.firstRequests, b.firstBytes, len(b.urls), b.bytes, b.loadMs)
}

// checkNoForeignRequests fails if the page asked anything of another host.
func (b *browser) checkNoForeignRequests(t *testing.T) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range b.urls {
		if !strings.HasPrefix(u, b.base+"/") && !strings.HasPrefix(u, "blob:") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s", u)
		}
	}
}

// apiNeighborhood asks the API for the neighbourhood of id at asOf and
// returns its node ids and relation ids (the exports' ids).
func apiNeighborhood(t *testing.T, s *server, id, asOf string) (nodes, rels []string) {
	t.Helper()
	var out struct {
		Data struct {
			Neighborhood struct {
				Nodes     []struct{ ID string }
				Relations []struct {
					Kind       string
					From, To   struct{ ID string }
					ValidFrom  *string
					OnBehalfOf *struct{ ID string }
				}
			}
		}
		Errors []struct{ Message string }
	}
	s.post(t, fmt.Sprintf(`{ neighborhood(id: %q, asOf: %q) { nodes { id } relations { kind from { id } to { id } validFrom onBehalfOf { id } } } }`, id, asOf), &out)
	if len(out.Errors) > 0 {
		t.Fatalf("neighborhood: %+v", out.Errors)
	}
	for _, n := range out.Data.Neighborhood.Nodes {
		nodes = append(nodes, n.ID)
	}
	for _, r := range out.Data.Neighborhood.Relations {
		rel := domain.Relation{From: r.From.ID, To: r.To.ID, Kind: domain.RelKind(strings.ReplaceAll(strings.ToLower(r.Kind), "_", "-"))}
		if r.ValidFrom != nil {
			d, err := domain.ParseDate(*r.ValidFrom)
			if err != nil {
				t.Fatal(err)
			}
			rel.ValidFrom = d
		}
		if r.OnBehalfOf != nil {
			rel.OnBehalfOf = r.OnBehalfOf.ID
		}
		rels = append(rels, domain.RelationID(&rel))
	}
	return nodes, rels
}

// exportedRelationIDs reads the ids of the JSON export.
func exportedRelationIDs(t *testing.T, s *server) map[string]bool {
	t.Helper()
	resp, err := http.Get(s.url + "/export/network.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct{ Relations []struct{ ID string } }
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, r := range doc.Relations {
		ids[r.ID] = true
	}
	return ids
}

// sameSet fails unless got and want hold the same ids, each once in got.
func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if len(slices.Compact(slices.Clone(g))) != len(g) {
		t.Errorf("%s: an id is marked twice: %v", what, g)
	}
	w = slices.Compact(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s: the page drew %d %v\nthe API gives %d %v", what, len(g), g, len(w), w)
	}
}
