package export

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// ctx is the context of the tests' store calls: nothing cancels it.
var ctx = context.Background()

// tricky has names that need quoting in CSV and escaping in XML.
const tricky = `nodes:
  - {id: doc, kind: source, name: Doc, sources: [{source: doc}]}
  - {id: pact, kind: agreement, name: "Pact <2015> & co", fields: {startDate: "2015", endDate: "2017"}, sources: [{source: doc}]}
  - id: odd
    kind: organization
    name: "Comma, \"quote\" and\nline"
    shortName: Odd
    aliases: [Ödd, O'dd]
    fields: {category: association}
    sources: [{source: doc}]
  - {id: plain, kind: organization, name: Plain, fields: {category: commune}, sources: [{source: doc}]}
  - {id: art, kind: article, name: "Article 1.3.3", fields: {number: "1.3.3"}, sources: [{source: doc}]}
  - {id: amd, kind: amendment, name: Amendment, fields: {number: "1"}, sources: [{source: doc}]}
relations:
  - {kind: signatory, from: odd, to: cccs, validFrom: "2015", sources: [{source: doc}]}
  - {kind: party-to, from: plain, to: pact, note: "says \"yes\", twice", sources: [{source: doc}]}
  - {kind: part-of, from: art, to: pact, sources: [{source: doc}]}
`

func trickyStore(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	cccs := "nodes:\n  - {id: cccs, kind: agreement, name: Convention Cadre, sources: [{source: doc}]}\n"
	if _, err := s.Import(ctx, store.File{Name: "tricky.yaml", Data: []byte(tricky)}, store.File{Name: "cccs.yaml", Data: []byte(cccs)}); err != nil {
		t.Fatal(err)
	}
	return s
}

func write(t *testing.T, s *store.Store, r Request) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(t.Context(), &buf, s, r); err != nil {
		t.Fatalf("Write(%+v): %v", r, err)
	}
	return buf.Bytes()
}

func TestGraphMLIsTypedAndComplete(t *testing.T) {
	s := trickyStore(t)
	b := write(t, s, Request{Format: FormatGraphML})
	var doc graphML
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, b)
	}
	if len(doc.Graph.Nodes) != 7 || len(doc.Graph.Edges) != 3 || doc.Graph.EdgeDefault != "directed" {
		t.Fatalf("%d nodes, %d edges, edgedefault %q; want 7, 3, directed", len(doc.Graph.Nodes), len(doc.Graph.Edges), doc.Graph.EdgeDefault)
	}
	types := map[string]string{}
	for _, k := range doc.Keys {
		types[k.For+"."+k.Name] = k.Type
	}
	for attr, want := range map[string]string{
		"node.kind": "string", "node.name": "string", "node.shortName": "string", "node.startYear": "int",
		"node.signatory": "boolean", "node.number": "string", "node.category": "string",
		"edge.kind": "string", "edge.validFrom": "string", "edge.validTo": "string", "edge.validFromYear": "int",
		"edge.role": "string", "edge.note": "string", "graph.asOf": "string",
	} {
		if types[attr] != want {
			t.Errorf("key %s has type %q, want %q", attr, types[attr], want)
		}
	}
	data := map[string]string{}
	for _, n := range doc.Graph.Nodes {
		for _, d := range n.Data {
			data[n.ID+"."+d.Key] = d.Value
		}
	}
	if data["odd.n_name"] != "Comma, \"quote\" and\nline" || data["odd.n_signatory"] != "true" || data["plain.n_signatory"] != "false" {
		t.Errorf("node data lost: name %q, signatory %q/%q", data["odd.n_name"], data["odd.n_signatory"], data["plain.n_signatory"])
	}
	if data["pact.n_name"] != "Pact <2015> & co" || data["pact.n_startYear"] != "2015" || data["pact.n_endYear"] != "2017" {
		t.Errorf("pact: %q, years %q..%q", data["pact.n_name"], data["pact.n_startYear"], data["pact.n_endYear"])
	}
}

func TestGraphMLAsOfKeepsWhatIsInForce(t *testing.T) {
	s := trickyStore(t)
	d, _ := domain.ParseDate("2010")
	var doc graphML
	if err := xml.Unmarshal(write(t, s, Request{Format: FormatGraphML, AsOf: d}), &doc); err != nil {
		t.Fatal(err)
	}
	// In 2010 the pact (2015-2017) does not exist yet, nor the signature of 2015.
	for _, n := range doc.Graph.Nodes {
		if n.ID == "pact" {
			t.Error("the 2015 pact is in the 2010 export")
		}
	}
	if len(doc.Graph.Edges) != 0 || len(doc.Graph.Data) != 1 || doc.Graph.Data[0].Value != "2010" {
		t.Errorf("2010: %d edges, graph data %+v; want none and asOf 2010", len(doc.Graph.Edges), doc.Graph.Data)
	}
}

func TestCSVFollowsRFC4180(t *testing.T) {
	s := trickyStore(t)
	b := write(t, s, Request{Format: FormatCSV, Collection: "organizations"})
	if !bytes.Contains(b, []byte("\r\n")) || !bytes.Contains(b, []byte(`"Comma, ""quote"" and`)) {
		t.Errorf("want CRLF line ends and doubled quotes inside a quoted field:\n%q", b)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "id,kind,name,shortName,aliases,category,description,website,sources" {
		t.Errorf("header = %v", rows[0])
	}
	if len(rows) != 3 || rows[1][0] != "odd" || rows[1][2] != "Comma, \"quote\" and\nline" || rows[1][4] != "Ödd; O'dd" {
		t.Errorf("rows = %q", rows)
	}
	rels, err := csv.NewReader(bytes.NewReader(write(t, s, Request{Format: FormatCSV, Collection: "relations"}))).ReadAll()
	if err != nil || len(rels) != 4 || rels[0][0] != "id" {
		t.Fatalf("relations.csv: %d rows, %v", len(rels), err)
	}
}

func TestJSONHoldsNodesAndRelations(t *testing.T) {
	s := trickyStore(t)
	var doc struct {
		AsOf      string
		Nodes     []domain.Node
		Relations []struct {
			ID   string
			Kind string
		}
	}
	if err := json.Unmarshal(write(t, s, Request{Format: FormatJSON}), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.AsOf != "" || len(doc.Nodes) != 7 || len(doc.Relations) != 3 || doc.Relations[0].ID == "" {
		t.Errorf("JSON export: asOf %q, %d nodes, %d relations %+v", doc.AsOf, len(doc.Nodes), len(doc.Relations), doc.Relations)
	}
}

func TestRequestValidation(t *testing.T) {
	d, _ := domain.ParseDate("2015")
	for name, tc := range map[string]struct {
		req  Request
		code string
	}{
		"unknown format":       {Request{Format: "xlsx"}, domain.EBADINPUT},
		"csv without name":     {Request{Format: FormatCSV}, domain.EBADINPUT},
		"unknown collection":   {Request{Format: FormatCSV, Collection: "spaceships"}, domain.ENOTFOUND},
		"collection for json":  {Request{Format: FormatJSON, Collection: "organizations"}, domain.EBADINPUT},
		"yaml as of a date":    {Request{Format: FormatYAML, AsOf: d}, domain.EBADINPUT},
		"yaml of some kinds":   {Request{Format: FormatYAML, Kinds: []domain.RelKind{"signatory"}}, domain.EBADINPUT},
		"parquet without name": {Request{Format: FormatParquet}, domain.EBADINPUT},
	} {
		if err := tc.req.Validate(); domain.ErrorCode(err) != tc.code {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
		}
	}
	for _, f := range Formats {
		r := Request{Format: f}
		if tabular(f) {
			r.Collection = "people"
		}
		if err := r.Validate(); err != nil {
			t.Errorf("%+v: %v", r, err)
		}
	}
}

// TestGEXFIsDynamic: nodes and edges carry their periods as days, a year
// from its first day to its last; kinds keep their relations and the nodes
// at their ends.
func TestGEXFIsDynamic(t *testing.T) {
	s := trickyStore(t)
	var doc gexf
	if err := xml.Unmarshal(write(t, s, Request{Format: FormatGEXF}), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.XMLNS != gexfNamespace || doc.Graph.Mode != "dynamic" || doc.Graph.TimeFormat != "date" || len(doc.Graph.Nodes) != 7 || len(doc.Graph.Edges) != 3 {
		t.Fatalf("GEXF %s, mode %s, %d nodes, %d edges; want 1.2 dynamic, 7 and 3", doc.XMLNS, doc.Graph.Mode, len(doc.Graph.Nodes), len(doc.Graph.Edges))
	}
	for _, n := range doc.Graph.Nodes {
		if n.ID == "pact" && (n.Start != "2015-01-01" || n.End != "2017-12-31" || n.Label != "Pact <2015> & co") {
			t.Errorf("pact: %+v, want 2015-01-01 to 2017-12-31", n)
		}
		if n.ID == "odd" && (n.Start != "" || n.End != "") {
			t.Errorf("an organization has no period: %+v", n)
		}
	}
	for _, e := range doc.Graph.Edges {
		if e.Label == "signatory" && (e.ID != "odd>signatory>cccs@2015" || e.Start != "2015-01-01" || e.End != "") {
			t.Errorf("signatory edge %+v, want from 2015-01-01, open", e)
		}
	}
	var sub gexf
	if err := xml.Unmarshal(write(t, s, Request{Format: FormatGEXF, Kinds: []domain.RelKind{"signatory"}}), &sub); err != nil {
		t.Fatal(err)
	}
	if len(sub.Graph.Nodes) != 2 || len(sub.Graph.Edges) != 1 {
		t.Errorf("signatory network: %d nodes, %d edges; want odd, cccs and the one relation", len(sub.Graph.Nodes), len(sub.Graph.Edges))
	}
}

func TestParseKinds(t *testing.T) {
	ks, err := ParseKinds("signatory, member-of,signatory")
	if err != nil || len(ks) != 2 || ks[0] != "signatory" || ks[1] != "member-of" {
		t.Errorf("ParseKinds = %v, %v; want signatory, member-of once each", ks, err)
	}
	for _, bad := range []string{"SIGNATORY", "signatory,,member-of", strings.Repeat("x", 2000)} {
		if _, err := ParseKinds(bad); domain.ErrorCode(err) != domain.EBADINPUT || len(err.Error()) > 600 {
			t.Errorf("ParseKinds(%.20q): %v, want a short %s", bad, err, domain.EBADINPUT)
		}
	}
	if _, err := ParseKinds("signatory,MEMBER_OF"); err == nil || !strings.Contains(err.Error(), "did you mean member-of?") {
		t.Errorf("ParseKinds of GraphQL's spelling: %v, want the dataset's name suggested", err)
	}
}

// pointReader is a Reader over a snapshot, with stored centroids.
type pointReader struct {
	snap      *store.Snapshot
	centroids map[string]store.Point
}

func (p pointReader) Export(context.Context) ([]byte, error) { return nil, nil }
func (p pointReader) Snapshot(context.Context, domain.Date) (*store.Snapshot, error) {
	return p.snap, nil
}
func (p pointReader) Centroids(context.Context, []string) (map[string]store.Point, error) {
	return maps.Clone(p.centroids), nil
}
func (p pointReader) DataVersion(context.Context) (uint64, error) { return 1, nil }

// TestCoordinates: a territory's coordinates are its stored centroid; a
// facility's, its stored point, else its longitude and latitude fields,
// written once whatever holds them.
func TestCoordinates(t *testing.T) {
	src := []domain.Citation{{Source: "doc"}}
	r := pointReader{snap: &store.Snapshot{Nodes: []*domain.Node{
		{ID: "commune", Kind: domain.KindTerritory, Name: "Commune", Fields: map[string]string{"type": "commune"}, Sources: src},
		{ID: "centre", Kind: domain.KindFacility, Name: "Centre", Fields: map[string]string{"longitude": "5.3698", "latitude": "43.2965"}, Sources: src},
		{ID: "elsewhere", Kind: domain.KindFacility, Name: "Elsewhere", Sources: src},
	}}, centroids: map[string]store.Point{"commune": {Lon: 5.4474, Lat: 43.5297}}}
	var buf bytes.Buffer
	if err := Write(ctx, &buf, r, Request{Format: FormatCSV, Collection: "facilities"}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := strings.Join(rows[0], ",")
	if strings.Count(header, "longitude") != 1 || strings.Count(header, "latitude") != 1 {
		t.Errorf("facilities.csv header %s: want longitude and latitude once", header)
	}
	lon, lat := slices.Index(rows[0], "longitude"), slices.Index(rows[0], "latitude")
	if rows[1][lon] != "5.3698000" || rows[1][lat] != "43.2965000" || rows[2][lon] != "" {
		t.Errorf("facility rows %v", rows[1:])
	}
	buf.Reset()
	if err := Write(ctx, &buf, r, Request{Format: FormatGraphML}); err != nil {
		t.Fatal(err)
	}
	var doc graphML
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	keys := map[string]int{}
	for _, k := range doc.Keys {
		keys[k.ID]++
	}
	for id, n := range keys {
		if n > 1 {
			t.Errorf("GraphML declares %s %d times", id, n)
		}
	}
	got := map[string]string{}
	for _, n := range doc.Graph.Nodes {
		for _, d := range n.Data {
			if d.Key == "n_longitude" {
				got[n.ID] = d.Value
			}
		}
	}
	if got["commune"] != "5.4474000" || got["centre"] != "5.3698000" || got["elsewhere"] != "" {
		t.Errorf("GraphML longitudes %v", got)
	}
}
