package export

import (
	"encoding/xml"
	"io"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// gexfNamespace is the namespace of GEXF 1.2 (a name, never fetched): the
// version Gephi and NetworkX both read.
const gexfNamespace = "http://www.gexf.net/1.2draft"

// The GEXF document, as encoding/xml writes it.
type (
	gexf struct {
		XMLName xml.Name  `xml:"gexf"`
		XMLNS   string    `xml:"xmlns,attr"`
		Version string    `xml:"version,attr"`
		Meta    gexfMeta  `xml:"meta"`
		Graph   gexfGraph `xml:"graph"`
	}
	gexfMeta struct {
		Creator     string `xml:"creator"`
		Description string `xml:"description"`
	}
	gexfGraph struct {
		Mode       string      `xml:"mode,attr"`
		EdgeType   string      `xml:"defaultedgetype,attr"`
		TimeFormat string      `xml:"timeformat,attr"`
		Attributes []gexfAttrs `xml:"attributes"`
		Nodes      []gexfNode  `xml:"nodes>node"`
		Edges      []gexfEdge  `xml:"edges>edge"`
	}
	gexfAttrs struct {
		Class string     `xml:"class,attr"`
		Mode  string     `xml:"mode,attr"`
		Attrs []gexfAttr `xml:"attribute"`
	}
	gexfAttr struct {
		ID    string `xml:"id,attr"`
		Title string `xml:"title,attr"`
		Type  string `xml:"type,attr"`
	}
	gexfNode struct {
		ID     string      `xml:"id,attr"`
		Label  string      `xml:"label,attr"`
		Start  string      `xml:"start,attr,omitempty"`
		End    string      `xml:"end,attr,omitempty"`
		Values []gexfValue `xml:"attvalues>attvalue"`
	}
	gexfEdge struct {
		ID     string      `xml:"id,attr"`
		Source string      `xml:"source,attr"`
		Target string      `xml:"target,attr"`
		Label  string      `xml:"label,attr"`
		Start  string      `xml:"start,attr,omitempty"`
		End    string      `xml:"end,attr,omitempty"`
		Values []gexfValue `xml:"attvalues>attvalue"`
	}
	gexfValue struct {
		For   string `xml:"for,attr"`
		Value string `xml:"value,attr"`
	}
)

// gexfTypes name GraphML's attribute types in GEXF.
var gexfTypes = map[string]string{"string": "string", "int": "integer", "double": "double", "boolean": "boolean"}

// GEXF writes the network as a dynamic, directed GEXF 1.2 graph, for
// Gephi's timeline: each node has the period of its lifetime and each edge
// the validity of its relation as start and end days (a year "2015" starts
// on 1 January and ends on 31 December; an open end is left out), with the
// attributes of GraphML. Node and edge ids are the node and relation ids,
// labels the names and relation kinds.
func GEXF(w io.Writer, n *Network) error {
	nodeAttrs := nodeAttributes(n)
	doc := gexf{XMLNS: gexfNamespace, Version: "1.2",
		Meta: gexfMeta{Creator: "cccs-graph", Description: description(n.Snapshot)},
		Graph: gexfGraph{Mode: "dynamic", EdgeType: "directed", TimeFormat: "date", Attributes: []gexfAttrs{
			{Class: "node", Mode: "static", Attrs: declareGEXF(nodeAttrs)},
			{Class: "edge", Mode: "static", Attrs: declareGEXF(edgeAttributes)},
		}}}
	for _, node := range n.Nodes {
		start, end := spell(node.Lifetime())
		doc.Graph.Nodes = append(doc.Graph.Nodes, gexfNode{ID: node.ID, Label: node.Name, Start: start, End: end, Values: valuesGEXF(nodeAttrs, node)})
	}
	for _, r := range n.Relations {
		start, end := spell(r.Interval())
		doc.Graph.Edges = append(doc.Graph.Edges, gexfEdge{ID: domain.RelationID(r), Source: r.From, Target: r.To, Label: string(r.Kind),
			Start: start, End: end, Values: valuesGEXF(edgeAttributes, r)})
	}
	return writeXML(w, doc)
}

// description says what the file holds.
func description(snap *store.Snapshot) string {
	if snap.AsOf.IsZero() {
		return "The network of the Convention Cadre des Centres Sociaux des Bouches-du-Rhône over all time"
	}
	return "The network of the Convention Cadre des Centres Sociaux des Bouches-du-Rhône as of " + snap.AsOf.String()
}

// spell is an interval as GEXF days: the first day of its start, the last
// of its end; "" for an open end.
func spell(iv domain.Interval) (start, end string) {
	const day = "2006-01-02"
	if !iv.From.IsZero() {
		start = iv.From.First().Format(day)
	}
	if !iv.To.IsZero() {
		end = iv.To.Last().Format(day)
	}
	return start, end
}

func declareGEXF[T any](attrs []attribute[T]) []gexfAttr {
	out := make([]gexfAttr, len(attrs))
	for i, a := range attrs {
		out[i] = gexfAttr{ID: a.name, Title: a.name, Type: gexfTypes[a.typ]}
	}
	return out
}

func valuesGEXF[T any](attrs []attribute[T], v T) []gexfValue {
	var out []gexfValue
	for _, a := range attrs {
		if s, ok := a.value(v); ok {
			out = append(out, gexfValue{a.name, s})
		}
	}
	return out
}
