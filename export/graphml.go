package export

import (
	"encoding/xml"
	"io"
	"maps"
	"slices"
	"strconv"

	"github.com/cccs13/cccs-graph/store"
)

// graphMLNamespace is the GraphML XML namespace (a name, never fetched).
const graphMLNamespace = "http://graphml.graphdrawing.org/xmlns"

// The GraphML document, as encoding/xml writes it.
type (
	graphML struct {
		XMLName xml.Name `xml:"graphml"`
		XMLNS   string   `xml:"xmlns,attr"`
		Keys    []gmlKey `xml:"key"`
		Graph   gmlGraph `xml:"graph"`
	}
	gmlKey struct {
		ID   string `xml:"id,attr"`
		For  string `xml:"for,attr"`
		Name string `xml:"attr.name,attr"`
		Type string `xml:"attr.type,attr"`
	}
	gmlGraph struct {
		ID          string    `xml:"id,attr"`
		EdgeDefault string    `xml:"edgedefault,attr"`
		Data        []gmlData `xml:"data"`
		Nodes       []gmlNode `xml:"node"`
		Edges       []gmlEdge `xml:"edge"`
	}
	gmlNode struct {
		ID   string    `xml:"id,attr"`
		Data []gmlData `xml:"data"`
	}
	gmlEdge struct {
		ID     string    `xml:"id,attr"`
		Source string    `xml:"source,attr"`
		Target string    `xml:"target,attr"`
		Data   []gmlData `xml:"data"`
	}
	gmlData struct {
		Key   string `xml:"key,attr"`
		Value string `xml:",chardata"`
	}
)

// attribute is a GraphML attribute: its name, type and how to read it.
type attribute[T any] struct {
	name, typ string
	value     func(T) (string, bool)
}

func text[T any](name string, f func(T) string) attribute[T] {
	return attribute[T]{name, "string", func(v T) (string, bool) { s := f(v); return s, s != "" }}
}

func year[T any](name string, f func(T) store.Date) attribute[T] {
	return attribute[T]{name, "int", func(v T) (string, bool) {
		d := f(v)
		return strconv.Itoa(d.Y), !d.IsZero()
	}}
}

// edgeAttributes are written on every edge that has them.
var edgeAttributes = []attribute[*store.Relation]{
	text("kind", func(r *store.Relation) string { return string(r.Kind) }),
	text("validFrom", func(r *store.Relation) string { return r.ValidFrom.String() }),
	text("validTo", func(r *store.Relation) string { return r.ValidTo.String() }),
	year("validFromYear", func(r *store.Relation) store.Date { return r.ValidFrom }),
	year("validToYear", func(r *store.Relation) store.Date { return r.ValidTo }),
	text("role", func(r *store.Relation) string { return r.Role }),
	text("onBehalfOf", func(r *store.Relation) string { return r.OnBehalfOf }),
	text("note", func(r *store.Relation) string { return r.Note }),
	text("sources", func(r *store.Relation) string { return sourceIDs(r.Sources) }),
}

// nodeAttributes are the attributes every kind of node may have, then the
// fields of each kind.
func nodeAttributes(n *Network) []attribute[*store.Node] {
	return append(commonAttributes(n), fieldAttributes()...)
}

// degrees is a coordinate attribute.
func degrees(name string, n *Network, f func(store.Point) float64) attribute[*store.Node] {
	return attribute[*store.Node]{name, "double", func(node *store.Node) (string, bool) {
		p, ok := n.Coords[node.ID]
		return formatDegrees(f(p)), ok
	}}
}

func commonAttributes(n *Network) []attribute[*store.Node] {
	signatories := signatories(n.Snapshot)
	return []attribute[*store.Node]{
		text("kind", func(n *store.Node) string { return string(n.Kind) }),
		text("name", func(n *store.Node) string { return n.Name }),
		text("shortName", func(n *store.Node) string { return n.ShortName }),
		text("aliases", func(n *store.Node) string { return joinList(n.Aliases) }),
		year("startYear", func(n *store.Node) store.Date { return n.Lifetime().From }),
		year("endYear", func(n *store.Node) store.Date { return n.Lifetime().To }),
		{"signatory", "boolean", func(n *store.Node) (string, bool) {
			return strconv.FormatBool(signatories[n.ID]), n.Kind == "organization"
		}},
		text("sources", func(n *store.Node) string { return sourceIDs(n.Sources) }),
		degrees("longitude", n, func(p store.Point) float64 { return p.Lon }),
		degrees("latitude", n, func(p store.Point) float64 { return p.Lat }),
	}
}

// fieldAttributes are the node fields of every kind, by name: int where every
// kind that has the field types it so, string otherwise ("number" is "1.3.3"
// on an article).
func fieldAttributes() []attribute[*store.Node] {
	types := map[string]string{}
	for _, k := range store.Kinds {
		for name, ft := range k.Fields {
			t := "string"
			if ft == store.IntField {
				t = "int"
			}
			if old, ok := types[name]; ok && old != t {
				t = "string"
			}
			types[name] = t
		}
	}
	var out []attribute[*store.Node]
	for _, name := range slices.Sorted(maps.Keys(types)) {
		out = append(out, attribute[*store.Node]{name, types[name], func(n *store.Node) (string, bool) {
			v, ok := n.Fields[name]
			return v, ok && v != ""
		}})
	}
	return out
}

// GraphML writes the network as a directed GraphML graph: node ids are the
// node ids, edge ids the relation ids, attributes typed (string, int,
// double, boolean) and declared in <key> elements. An organization's
// `signatory` says whether it signs the Convention Cadre during the
// snapshot's date (at any time for the whole graph); `longitude` and
// `latitude` are a territory's centroid or a facility's point.
func GraphML(w io.Writer, snap *Network) error {
	nodeAttrs := nodeAttributes(snap)
	doc := graphML{XMLNS: graphMLNamespace, Graph: gmlGraph{ID: "cccs-network", EdgeDefault: "directed"}}
	doc.Keys = append(doc.Keys, gmlKey{"g_asOf", "graph", "asOf", "string"})
	doc.Keys = append(doc.Keys, declare("n_", "node", nodeAttrs)...)
	doc.Keys = append(doc.Keys, declare("e_", "edge", edgeAttributes)...)
	if !snap.AsOf.IsZero() {
		doc.Graph.Data = []gmlData{{"g_asOf", snap.AsOf.String()}}
	}
	for _, n := range snap.Nodes {
		doc.Graph.Nodes = append(doc.Graph.Nodes, gmlNode{ID: n.ID, Data: values("n_", nodeAttrs, n)})
	}
	for _, r := range snap.Relations {
		doc.Graph.Edges = append(doc.Graph.Edges, gmlEdge{ID: store.RelationID(r), Source: r.From, Target: r.To, Data: values("e_", edgeAttributes, r)})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func declare[T any](prefix, target string, attrs []attribute[T]) []gmlKey {
	keys := make([]gmlKey, len(attrs))
	for i, a := range attrs {
		keys[i] = gmlKey{prefix + a.name, target, a.name, a.typ}
	}
	return keys
}

func values[T any](prefix string, attrs []attribute[T], v T) []gmlData {
	var out []gmlData
	for _, a := range attrs {
		if s, ok := a.value(v); ok {
			out = append(out, gmlData{prefix + a.name, s})
		}
	}
	return out
}

// signatories are the organizations with a signatory relation to the
// Convention Cadre in the snapshot.
func signatories(snap *store.Snapshot) map[string]bool {
	out := map[string]bool{}
	for _, r := range snap.Relations {
		if r.Kind == "signatory" && r.To == store.FrameworkID {
			out[r.From] = true
		}
	}
	return out
}
