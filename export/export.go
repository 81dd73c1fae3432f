// Package export writes the network for analysts' tools: GraphML (NetworkX,
// igraph), GEXF with the periods of nodes and relations (Gephi's timeline),
// CSV and Parquet per collection (spreadsheets, pandas, polars, DuckDB, R)
// and JSON, as of a date or over all time, whole or for some relation
// kinds. It reads a store.Snapshot and imports no storage library.
package export

import (
	"encoding/json"
	"io"
	"slices"
	"strings"

	"github.com/cccs13/cccs-graph/store"
)

// Formats.
const (
	FormatYAML    = "yaml" // the dataset, for import (docs/dataset.md)
	FormatGraphML = "graphml"
	FormatGEXF    = "gexf"
	FormatCSV     = "csv"
	FormatParquet = "parquet"
	FormatJSON    = "json"
)

// Formats lists the formats, the default first.
var Formats = []string{FormatYAML, FormatGraphML, FormatGEXF, FormatCSV, FormatParquet, FormatJSON}

// tabular are the formats written one collection at a time.
func tabular(format string) bool { return format == FormatCSV || format == FormatParquet }

// RelationsCollection is the CSV collection of relations.
const RelationsCollection = "relations"

// collection is a CSV collection of nodes: its name, as the GraphQL API
// names it, and the kind of its nodes.
type collection struct {
	Name string
	Kind store.Kind
}

var collections = []collection{
	{"organizations", "organization"}, {"facilities", "facility"}, {"facilityTypes", "facility-type"},
	{"territories", "territory"}, {"bodies", "body"}, {"agreements", "agreement"}, {"amendments", "amendment"},
	{"articles", "article"}, {"programmes", "programme"}, {"orientations", "orientation"}, {"themes", "theme"},
	{"objectives", "objective"}, {"events", "event"}, {"people", "person"}, {"sources", "source"},
}

// Collections lists the CSV collections: every node collection, then relations.
func Collections() []string {
	names := make([]string, 0, len(collections)+1)
	for _, c := range collections {
		names = append(names, c.Name)
	}
	return append(names, RelationsCollection)
}

// Request says what to export.
type Request struct {
	Format     string
	Collection string          // CSV and Parquet only
	AsOf       store.Date      // zero: everything, over all time
	Kinds      []store.RelKind // the relations of these kinds and the nodes at their ends; none: all
}

// Validate checks a request. Returns EBADINPUT for an unknown format, a
// collection outside CSV or a missing one, a date with the YAML dataset, and
// ENOTFOUND for an unknown collection.
func (r Request) Validate() error {
	switch {
	case !slices.Contains(Formats, r.Format):
		return store.Errorf(store.EBADINPUT, "unknown format %q: use %s", r.Format, strings.Join(Formats, ", "))
	case tabular(r.Format) && r.Collection == "":
		return store.Errorf(store.EBADINPUT, "%s is written one collection at a time: name one of %s", r.Format, strings.Join(Collections(), ", "))
	case tabular(r.Format) && !slices.Contains(Collections(), r.Collection):
		return store.Errorf(store.ENOTFOUND, "no collection %.80q: use one of %s", r.Collection, strings.Join(Collections(), ", "))
	case !tabular(r.Format) && r.Collection != "":
		return store.Errorf(store.EBADINPUT, "a collection is chosen for csv and parquet only; %s holds the whole network", r.Format)
	case r.Format == FormatYAML && (!r.AsOf.IsZero() || len(r.Kinds) > 0):
		return store.Errorf(store.EBADINPUT, "the YAML dataset is the whole graph, for import: a date and kinds apply to the other formats")
	}
	return nil
}

// maxKindsParam bounds the text of a list of kinds.
const maxKindsParam = 1000

// ParseKinds reads a comma-separated list of relation kinds as the dataset
// names them ("signatory,member-of"), without repeats. Returns EBADINPUT
// for an unknown kind or a list too long.
func ParseKinds(s string) ([]store.RelKind, error) {
	if len(s) > maxKindsParam {
		return nil, store.Errorf(store.EBADINPUT, "kinds: %d bytes, at most %d", len(s), maxKindsParam)
	}
	var kinds []store.RelKind
	for name := range strings.SplitSeq(s, ",") {
		k := store.RelKind(strings.TrimSpace(name))
		if !slices.Contains(store.RelKinds, k) {
			return nil, store.Errorf(store.EBADINPUT, "unknown relation kind %.40q: use %s", k, kindNames())
		}
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	return kinds, nil
}

func kindNames() string {
	names := make([]string, len(store.RelKinds))
	for i, k := range store.RelKinds {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// Write writes what r asks for, read from s in one transaction. Returns the
// codes of Validate.
func Write(w io.Writer, s *store.Store, r Request) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if r.Format == FormatYAML {
		b, err := s.Export()
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	n, err := read(s, r)
	if err != nil {
		return err
	}
	switch r.Format {
	case FormatGraphML:
		return GraphML(w, n)
	case FormatGEXF:
		return GEXF(w, n)
	case FormatCSV:
		return CSV(w, n, r.Collection)
	case FormatParquet:
		return Parquet(w, n, r.Collection)
	}
	return JSON(w, n.Snapshot)
}

// Network is what the formats write: a snapshot and the coordinates of its
// nodes that have a geometry (a territory's centroid, a facility's point).
type Network struct {
	*store.Snapshot
	Coords map[string]store.Point
}

// located are the kinds of node that may have coordinates.
var located = []store.Kind{"territory", "facility"}

func read(s *store.Store, r Request) (*Network, error) {
	snap, err := s.Snapshot(r.AsOf)
	if err != nil {
		return nil, err
	}
	snap = snap.OfKinds(r.Kinds)
	var ids []string
	for _, n := range snap.Nodes {
		if slices.Contains(located, n.Kind) {
			ids = append(ids, n.ID)
		}
	}
	coords, err := s.Centroids(ids)
	if err != nil {
		return nil, err
	}
	return &Network{Snapshot: snap, Coords: coords}, nil
}

// relation is a relation with its id, as JSON writes it.
type relation struct {
	ID string `json:"id"`
	*store.Relation
}

// JSON writes the snapshot as one object: asOf (absent for all time), nodes
// (as the dataset format has them) and relations (with an id).
func JSON(w io.Writer, snap *store.Snapshot) error {
	doc := struct {
		AsOf      string        `json:"asOf,omitempty"`
		Nodes     []*store.Node `json:"nodes"`
		Relations []relation    `json:"relations"`
	}{AsOf: snap.AsOf.String(), Nodes: snap.Nodes, Relations: make([]relation, len(snap.Relations))}
	for i, r := range snap.Relations {
		doc.Relations[i] = relation{ID: store.RelationID(r), Relation: r}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// joinList joins a list for one CSV cell or GraphML attribute.
func joinList(items []string) string { return strings.Join(items, "; ") }

// sourceIDs lists the documents cited.
func sourceIDs(cs []store.Citation) string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.Source
	}
	return joinList(ids)
}
