package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/internal/geotest/geostore"
)

// mappedServer serves the default dataset with the real communes layer
// imported (geostore), so that territories have centroids.
func mappedServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(routes(geostore.New(t), defaultConfig(), slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	return srv
}

// download fetches an export into a file of dir.
func download(t *testing.T, srv *httptest.Server, dir, path string) string {
	t.Helper()
	resp, body := fetch(t, srv, path)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d %s", path, resp.StatusCode, body)
	}
	name, _, _ := strings.Cut(filepath.Base(path), "?")
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, body, 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// networkxAnalysis is what testdata/networkx_analysis.py prints.
type networkxAnalysis struct {
	NetworkX, Mode             string
	Directed                   bool
	Nodes, Edges               int
	GraphmlNodes, GraphmlEdges int
	Alive                      map[string][2]int
	Spells                     map[string][2]*string
	Betweenness, PageRank      map[string]float64 `json:"-"`
	Closeness, Degree          map[string]float64
	Coordinates                map[string][2]float64
	CoordinateTypes            []string
	Populations                map[string]float64
	PopulationTypes            []string
}

func runNetworkXAnalysis(t *testing.T, python, gexf, graphml string, years, ids []string) networkxAnalysis {
	t.Helper()
	out, err := exec.Command(python, "testdata/networkx_analysis.py", gexf, graphml, strings.Join(years, ","), strings.Join(ids, ",")).Output()
	if err != nil {
		t.Fatalf("networkx_analysis.py: %v\n%s", err, out)
	}
	var nx networkxAnalysis
	var scores struct{ Betweenness, Pagerank map[string]float64 }
	if err := json.Unmarshal(out, &nx); err != nil {
		t.Fatalf("networkx_analysis.py printed %.300s: %v", out, err)
	}
	if err := json.Unmarshal(out, &scores); err != nil {
		t.Fatal(err)
	}
	nx.Betweenness, nx.PageRank = scores.Betweenness, scores.Pagerank
	return nx
}

// apiNetwork is the API's view of the network the exports hold.
type apiNetwork struct {
	Stats struct {
		NodeCount, RelationCount int
		RelationsByKind          []struct {
			Kind  string
			Count int
		}
	}
	Betweenness, PageRank, Closeness, Degree []apiScore
}

type apiScore struct {
	Node  struct{ ID string }
	Score float64
}

func askNetwork(t *testing.T, srv *httptest.Server, asOf string, kinds []string) apiNetwork {
	t.Helper()
	args, stats := "", "stats"
	if asOf != "" {
		args, stats = fmt.Sprintf(", asOf: %q", asOf), fmt.Sprintf("stats(asOf: %q)", asOf)
	}
	if len(kinds) > 0 {
		args += ", kinds: [" + strings.Join(kinds, ", ") + "]"
	}
	var api apiNetwork
	graphQL(t, srv, fmt.Sprintf(`{ %s { nodeCount relationCount relationsByKind { kind count } } }`, stats), &api)
	api.Betweenness = allScores(t, srv, "BETWEENNESS", args)
	api.PageRank = allScores(t, srv, "PAGERANK", args)
	api.Closeness = allScores(t, srv, "CLOSENESS", args)
	api.Degree = allScores(t, srv, "DEGREE", args)
	return api
}

// allScores reads a whole ranking, page after page.
func allScores(t *testing.T, srv *httptest.Server, measure, args string) []apiScore {
	t.Helper()
	var all []apiScore
	after := ""
	for range 20 {
		var page struct{ Centrality []apiScore }
		graphQL(t, srv, fmt.Sprintf(`{ centrality(measure: %s, first: 500%s%s) { node { id } score } }`, measure, args, after), &page)
		all = append(all, page.Centrality...)
		if len(page.Centrality) < 500 {
			return all
		}
		after = fmt.Sprintf(", after: %q", all[len(all)-1].Node.ID)
	}
	t.Fatalf("%s: more than 20 pages", measure)
	return nil
}

// closeTo is agreement within the API's rounding to 6 significant digits
// (and NetworkX's PageRank tolerance).
func closeTo(api, nx float64) bool { return math.Abs(api-nx) <= 1e-9+5e-6*math.Abs(nx) }

// TestNetworkXReadsTheGEXFExport loads the GEXF export (dynamic) and the
// GraphML export in NetworkX at several dates and for some relation kinds:
// both hold the API's nodes and relations, the timeline of the whole-graph
// GEXF shows in each year the network the API has then, and NetworkX's
// betweenness, PageRank, closeness and degree on the exported graph are
// the API's.
func TestNetworkXReadsTheGEXFExport(t *testing.T) {
	python := networkxPython(t, "scipy") // NetworkX's PageRank needs scipy
	srv := mappedServer(t)
	years := []string{"1994", "2000", "2006", "2015", "2019"}
	for _, tc := range []struct {
		asOf  string
		kinds []string // GraphQL names; the export takes the dataset names
	}{{"", nil}, {"2000", nil}, {"2015", nil}, {"2019", nil}, {"2019", []string{"SIGNATORY", "MEMBER_OF", "CHAIRS", "FUNDS", "DELIVERS"}}} {
		query := "?asOf=" + tc.asOf
		if tc.kinds != nil {
			query += "&kinds=" + strings.ToLower(strings.ReplaceAll(strings.Join(tc.kinds, ","), "_", "-"))
		}
		t.Run(query, func(t *testing.T) {
			dir := t.TempDir()
			gexf := download(t, srv, dir, "/export/network.gexf"+query)
			graphml := download(t, srv, dir, "/export/network.graphml"+query)
			ids := []string{"avenant-1", "msa-provence-azur>signatory>cccs@2019-01-01", "cccs-2015-2017"}
			nx := runNetworkXAnalysis(t, python, gexf, graphml, years, ids)
			api := askNetwork(t, srv, tc.asOf, tc.kinds)
			t.Logf("NetworkX %s: %d nodes, %d edges (%s)", nx.NetworkX, nx.Nodes, nx.Edges, nx.Mode)

			nodes, edges := api.Stats.NodeCount, api.Stats.RelationCount
			if tc.kinds != nil {
				nodes, edges = len(api.Betweenness), 0
				for _, k := range api.Stats.RelationsByKind {
					if slices.Contains(tc.kinds, k.Kind) {
						edges += k.Count
					}
				}
			}
			if nx.Nodes != nodes || nx.Edges != edges || nx.GraphmlNodes != nodes || nx.GraphmlEdges != edges {
				t.Errorf("NetworkX reads %d nodes and %d edges in the GEXF, %d and %d in the GraphML; the API has %d and %d",
					nx.Nodes, nx.Edges, nx.GraphmlNodes, nx.GraphmlEdges, nodes, edges)
			}
			if nx.Mode != "dynamic" || !nx.Directed {
				t.Errorf("GEXF read as mode %q, directed %v; want dynamic, directed", nx.Mode, nx.Directed)
			}
			compareScores(t, "betweenness", api.Betweenness, nx.Betweenness)
			compareScores(t, "PageRank", api.PageRank, nx.PageRank)
			compareScores(t, "closeness", api.Closeness, nx.Closeness)
			compareScores(t, "degree", api.Degree, nx.Degree)
			if tc.asOf == "" {
				checkTimeline(t, srv, nx, years)
			}
		})
	}
}

func compareScores(t *testing.T, measure string, api []apiScore, nx map[string]float64) {
	t.Helper()
	if len(api) != len(nx) || len(api) == 0 {
		t.Errorf("%s: the API ranks %d nodes, NetworkX %d", measure, len(api), len(nx))
	}
	bad := 0
	for _, s := range api {
		if v, ok := nx[s.Node.ID]; !ok || !closeTo(s.Score, v) {
			if bad++; bad <= 5 {
				t.Errorf("%s of %s: API %v, NetworkX %v", measure, s.Node.ID, s.Score, v)
			}
		}
	}
}

// checkTimeline compares the network Gephi's timeline shows in some years
// (from the spells of the whole-graph GEXF) with the API's at those dates,
// and the spells of some nodes and relations with their dates.
func checkTimeline(t *testing.T, srv *httptest.Server, nx networkxAnalysis, years []string) {
	t.Helper()
	for _, y := range years {
		var api struct {
			Stats struct{ NodeCount, RelationCount int }
		}
		graphQL(t, srv, fmt.Sprintf(`{ stats(asOf: %q) { nodeCount relationCount } }`, y), &api)
		if got := nx.Alive[y]; got != [2]int{api.Stats.NodeCount, api.Stats.RelationCount} {
			t.Errorf("in %s the GEXF timeline shows %d nodes and %d edges, the API %d and %d", y, got[0], got[1], api.Stats.NodeCount, api.Stats.RelationCount)
		}
	}
	str := func(p *string) string {
		if p == nil {
			return "open"
		}
		return *p
	}
	for id, want := range map[string][2]string{
		"avenant-1": {"2019-01-01", "open"}, // in effect from 1 January 2019, signed in June
		"msa-provence-azur>signatory>cccs@2019-01-01": {"2019-01-01", "2027-12-31"}, // signatories until the 2024-2027 convention ends
		"cccs-2015-2017": {"2015-01-01", "2017-12-31"}, // a period of years: from the first day to the last
	} {
		got := nx.Spells[id]
		if [2]string{str(got[0]), str(got[1])} != want {
			t.Errorf("spell of %s: %s to %s, want %s to %s", id, str(got[0]), str(got[1]), want[0], want[1])
		}
	}
}

// located asks the API for the centroids of the territories and the points
// of the facilities that have one.
func located(t *testing.T, srv *httptest.Server) (territories, facilities map[string][2]float64) {
	t.Helper()
	type point struct{ Lon, Lat float64 }
	var api struct {
		Territories, Facilities struct {
			Nodes []struct {
				ID                 string
				Centroid, Location *point
			}
		}
	}
	graphQL(t, srv, `{ territories(first: 500) { nodes { id centroid { lon lat } } }
		facilities(first: 500) { nodes { id location { lon lat } } } }`, &api)
	territories, facilities = map[string][2]float64{}, map[string][2]float64{}
	for _, n := range api.Territories.Nodes {
		if n.Centroid != nil {
			territories[n.ID] = [2]float64{n.Centroid.Lon, n.Centroid.Lat}
		}
	}
	for _, n := range api.Facilities.Nodes {
		if n.Location != nil {
			facilities[n.ID] = [2]float64{n.Location.Lon, n.Location.Lat}
		}
	}
	if len(territories) < 119 || len(facilities) == 0 {
		t.Fatalf("%d territories with a centroid and %d facilities with a point; want the 119 communes at least, and some", len(territories), len(facilities))
	}
	return territories, facilities
}

// TestGraphMLHasCoordinates: the territories with an outline carry their
// centroids, the facilities with a point their point, as typed doubles, as
// the API gives them.
func TestGraphMLHasCoordinates(t *testing.T) {
	python := networkxPython(t, "scipy")
	srv := mappedServer(t)
	dir := t.TempDir()
	gexf := download(t, srv, dir, "/export/network.gexf")
	graphml := download(t, srv, dir, "/export/network.graphml")
	nx := runNetworkXAnalysis(t, python, gexf, graphml, nil, nil)
	territories, facilities := located(t, srv)
	want := maps.Clone(territories)
	maps.Copy(want, facilities)
	if len(nx.Coordinates) != len(want) || !slices.Equal(nx.CoordinateTypes, []string{"float"}) {
		t.Fatalf("%d nodes with coordinates in the GraphML (types %v); the API has %d centroids and points", len(nx.Coordinates), nx.CoordinateTypes, len(want))
	}
	for id, c := range want {
		got := nx.Coordinates[id]
		if math.Abs(got[0]-c[0]) > 1e-7 || math.Abs(got[1]-c[1]) > 1e-7 {
			t.Errorf("%s: GraphML at %v, API at %v", id, got, c)
		}
	}
	var api struct {
		Territories struct {
			Nodes []struct {
				ID         string
				Population *int
			}
		}
	}
	graphQL(t, srv, `{ territories(first: 500) { nodes { id population } } }`, &api)
	n := 0
	for _, tr := range api.Territories.Nodes {
		if tr.Population == nil {
			continue
		}
		n++
		if got, ok := nx.Populations[tr.ID]; !ok || int(got) != *tr.Population {
			t.Errorf("%s: population %v in the GraphML, %d in the API", tr.ID, nx.Populations[tr.ID], *tr.Population)
		}
	}
	if n < 119 || len(nx.Populations) != n || !slices.Equal(nx.PopulationTypes, []string{"int"}) {
		t.Errorf("%d populations in the GraphML (types %v), %d in the API; want the 119 communes at least, as int", len(nx.Populations), nx.PopulationTypes, n)
	}
}

// hyparquet returns node and the reader script, with the npm package
// hyparquet installed in testdata/parquet.
func hyparquet(t *testing.T) (node, script string) {
	t.Helper()
	npmCI(t, "testdata/parquet")
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("npm is here but node is not")
	}
	return node, "testdata/parquet/read.mjs"
}

// TestParquetReadByAnIndependentReader reads Parquet exports with hyparquet
// (JavaScript, no code in common with the Go writer) and finds the rows and
// values of the CSV exports of the same collections: text, integers,
// coordinates, nulls where the CSV is empty.
func TestParquetReadByAnIndependentReader(t *testing.T) {
	node, script := hyparquet(t)
	srv := mappedServer(t)
	for _, file := range []string{"organizations", "territories", "facilities", "amendments", "relations?asOf=2019&kinds=signatory,member-of", "events?asOf=2015"} {
		t.Run(file, func(t *testing.T) {
			name, query, _ := strings.Cut(file, "?")
			dir := t.TempDir()
			pq := download(t, srv, dir, "/export/"+name+".parquet?"+query)
			_, body := fetch(t, srv, "/export/"+name+".csv?"+query)
			records, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
			if err != nil || len(records) < 2 {
				t.Fatalf("CSV: %d records, %v", len(records), err)
			}
			out, err := exec.Command(node, script, pq).Output()
			if err != nil {
				t.Fatalf("read.mjs: %v\n%s", err, out)
			}
			var got struct {
				RowCount int
				Columns  []string
				Rows     []map[string]*string
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("read.mjs printed %.300s: %v", out, err)
			}
			header, rows := records[0], records[1:]
			if got.RowCount != len(rows) || len(got.Rows) != len(rows) || !slices.Equal(slices.Sorted(slices.Values(got.Columns)), slices.Sorted(slices.Values(header))) {
				t.Fatalf("Parquet: %d rows, columns %v; CSV: %d rows, columns %v", got.RowCount, got.Columns, len(rows), header)
			}
			if name == "territories" || name == "facilities" {
				territories, facilities := located(t, srv)
				want, n := territories, 0
				if name == "facilities" {
					want = facilities
				}
				for _, r := range got.Rows {
					if r["longitude"] != nil && r["latitude"] != nil {
						n++
					}
				}
				if n != len(want) {
					t.Errorf("%d %s with coordinates, the API has %d", n, name, len(want))
				}
			}
			for i, row := range rows {
				for j, col := range header {
					if p := got.Rows[i][col]; !sameCell(row[j], p) {
						t.Errorf("row %d, %s: CSV %q, Parquet %v", i, col, row[j], deref(p))
					}
				}
			}
		})
	}
}

// sameCell compares a CSV field with a Parquet value as text: null is the
// empty field; numbers compare by value (JavaScript and Go print them
// differently).
func sameCell(csvField string, pq *string) bool {
	if pq == nil {
		return csvField == ""
	}
	if csvField == *pq {
		return true
	}
	a, errA := strconv.ParseFloat(csvField, 64)
	b, errB := strconv.ParseFloat(*pq, 64)
	return errA == nil && errB == nil && a == b
}

func deref(p *string) string {
	if p == nil {
		return "null"
	}
	return *p
}
