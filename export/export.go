// Package export writes the network for analysts' tools: GraphML (Gephi,
// NetworkX, igraph), CSV per collection (spreadsheets, pandas, R) and JSON,
// as of a date or over all time. It reads a store.Snapshot and imports no
// storage library.
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
	FormatCSV     = "csv"
	FormatJSON    = "json"
)

// Formats lists the formats, the default first.
var Formats = []string{FormatYAML, FormatGraphML, FormatCSV, FormatJSON}

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
	{"objectives", "objective"}, {"events", "event"}, {"people", "person"}, {"sources", "source"}, {"figures", "figure"},
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
	Collection string     // CSV only
	AsOf       store.Date // zero: everything, over all time
}

// Validate checks a request. Returns EBADINPUT for an unknown format, a
// collection outside CSV or a missing one, a date with the YAML dataset, and
// ENOTFOUND for an unknown collection.
func (r Request) Validate() error {
	switch {
	case !slices.Contains(Formats, r.Format):
		return store.Errorf(store.EBADINPUT, "unknown format %q: use %s", r.Format, strings.Join(Formats, ", "))
	case r.Format == FormatCSV && r.Collection == "":
		return store.Errorf(store.EBADINPUT, "CSV is written one collection at a time: name one of %s", strings.Join(Collections(), ", "))
	case r.Format == FormatCSV && !slices.Contains(Collections(), r.Collection):
		return store.Errorf(store.ENOTFOUND, "no collection %q: use one of %s", r.Collection, strings.Join(Collections(), ", "))
	case r.Format != FormatCSV && r.Collection != "":
		return store.Errorf(store.EBADINPUT, "a collection is chosen for CSV only; %s holds the whole network", r.Format)
	case r.Format == FormatYAML && !r.AsOf.IsZero():
		return store.Errorf(store.EBADINPUT, "the YAML dataset is the whole graph, for import: a date applies to graphml, csv and json")
	}
	return nil
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
	snap, err := s.Snapshot(r.AsOf)
	if err != nil {
		return err
	}
	switch r.Format {
	case FormatGraphML:
		return GraphML(w, snap)
	case FormatCSV:
		return CSV(w, snap, r.Collection)
	}
	return JSON(w, snap)
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
