package export

import (
	"encoding/xml"
	"io"
	"maps"
	"slices"
	"strconv"

	"github.com/cccs13/cccs-graph/domain"
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

func year[T any](name string, f func(T) domain.Date) attribute[T] {
	return attribute[T]{name, "int", func(v T) (string, bool) {
		d := f(v)
		return strconv.Itoa(d.Y), !d.IsZero()
	}}
}

// edgeAttributes are written on every edge that has them.
var edgeAttributes = []attribute[*domain.Relation]{
	text("kind", func(r *domain.Relation) string { return string(r.Kind) }),
	text("validFrom", func(r *domain.Relation) string { return r.ValidFrom.String() }),
	text("validTo", func(r *domain.Relation) string { return r.ValidTo.String() }),
	year("validFromYear", func(r *domain.Relation) domain.Date { return r.ValidFrom }),
	year("validToYear", func(r *domain.Relation) domain.Date { return r.ValidTo }),
	text("role", func(r *domain.Relation) string { return r.Role }),
	text("onBehalfOf", func(r *domain.Relation) string { return r.OnBehalfOf }),
	text("note", func(r *domain.Relation) string { return r.Note }),
	text("sources", func(r *domain.Relation) string { return sourceIDs(r.Sources) }),
}

// nodeAttributes are the attributes every kind of node may have, then the
// fields of each kind.
func nodeAttributes(n *Network) []attribute[*domain.Node] {
	return append(commonAttributes(n), fieldAttributes()...)
}

// degrees is a coordinate attribute.
func degrees(name string, n *Network, f func(store.Point) float64) attribute[*domain.Node] {
	return attribute[*domain.Node]{name, "double", func(node *domain.Node) (string, bool) {
		p, ok := n.Coords[node.ID]
		return formatDegrees(f(p)), ok
	}}
}

func commonAttributes(n *Network) []attribute[*domain.Node] {
	signatories := signatories(n.Snapshot)
	return []attribute[*domain.Node]{
		text("kind", func(n *domain.Node) string { return string(n.Kind) }),
		text("name", func(n *domain.Node) string { return n.Name }),
		text("shortName", func(n *domain.Node) string { return n.ShortName }),
		text("aliases", func(n *domain.Node) string { return joinList(n.Aliases) }),
		year("startYear", func(n *domain.Node) domain.Date { return n.Lifetime().From }),
		year("endYear", func(n *domain.Node) domain.Date { return n.Lifetime().To }),
		{"signatory", "boolean", func(n *domain.Node) (string, bool) {
			return strconv.FormatBool(signatories[n.ID]), n.Kind == "organization"
		}},
		text("sources", func(n *domain.Node) string { return sourceIDs(n.Sources) }),
		degrees("longitude", n, func(p store.Point) float64 { return p.Lon }),
		degrees("latitude", n, func(p store.Point) float64 { return p.Lat }),
	}
}

// fieldAttributes are the node fields of every kind, by name: int where every
// kind that has the field types it so, string otherwise ("number" is "1.3.3"
// on an article).
func fieldAttributes() []attribute[*domain.Node] {
	types := map[string]string{}
	for _, k := range domain.Kinds {
		for name, ft := range k.Fields {
			if slices.Contains(coordinateFields, name) {
				continue // written as the coordinates
			}
			t := "string"
			if ft == domain.IntField {
				t = "int"
			}
			if old, ok := types[name]; ok && old != t {
				t = "string"
			}
			types[name] = t
		}
	}
	var out []attribute[*domain.Node]
	for _, name := range slices.Sorted(maps.Keys(types)) {
		out = append(out, attribute[*domain.Node]{name, types[name], func(n *domain.Node) (string, bool) {
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
		doc.Graph.Edges = append(doc.Graph.Edges, gmlEdge{ID: domain.RelationID(r), Source: r.From, Target: r.To, Data: values("e_", edgeAttributes, r)})
	}
	return writeXML(w, doc)
}

// writeXML writes an XML document, indented, with its header.
func writeXML(w io.Writer, doc any) error {
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
