// Package export writes the network for analysts' tools: GraphML (Gephi,
// NetworkX, igraph), CSV per collection (spreadsheets, pandas, R) and JSON,
// as of a date or over all time. It reads a store.Snapshot and imports no
// storage library.
package export

import (
	"context"
	"encoding/json"
	"io"
	"slices"
	"strings"

	"github.com/cccs13/cccs-graph/domain"
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

// Collections lists the CSV collections: every node collection of the
// registry (domain.Kinds), then relations.
func Collections() []string {
	names := make([]string, 0, len(domain.Kinds)+1)
	for _, k := range domain.Kinds {
		names = append(names, k.Collection)
	}
	return append(names, RelationsCollection)
}

// Request says what to export.
type Request struct {
	Format     string
	Collection string      // CSV only
	AsOf       domain.Date // zero: everything, over all time
}

// Validate checks a request. Returns EBADINPUT for an unknown format, a
// collection outside CSV or a missing one, a date with the YAML dataset, and
// ENOTFOUND for an unknown collection.
func (r Request) Validate() error {
	switch {
	case !slices.Contains(Formats, r.Format):
		return domain.Errorf(domain.EBADINPUT, "unknown format %q: use %s", r.Format, strings.Join(Formats, ", "))
	case r.Format == FormatCSV && r.Collection == "":
		return domain.Errorf(domain.EBADINPUT, "CSV is written one collection at a time: name one of %s", strings.Join(Collections(), ", "))
	case r.Format == FormatCSV && !slices.Contains(Collections(), r.Collection):
		return domain.Errorf(domain.ENOTFOUND, "no collection %q: use one of %s", r.Collection, strings.Join(Collections(), ", "))
	case r.Format != FormatCSV && r.Collection != "":
		return domain.Errorf(domain.EBADINPUT, "a collection is chosen for CSV only; %s holds the whole network", r.Format)
	case r.Format == FormatYAML && !r.AsOf.IsZero():
		return domain.Errorf(domain.EBADINPUT, "the YAML dataset is the whole graph, for import: a date applies to graphml, csv and json")
	}
	return nil
}

// Reader is what an export reads: the dataset, or the network at a date,
// each in one transaction; and the data version its ETags key on.
// *store.Store is one.
type Reader interface {
	Export(ctx context.Context) ([]byte, error)
	Snapshot(ctx context.Context, asOf domain.Date) (*store.Snapshot, error)
	DataVersion(ctx context.Context) (uint64, error)
}

// Write writes what r asks for, read from s in one transaction. Returns the
// codes of Validate.
func Write(ctx context.Context, w io.Writer, s Reader, r Request) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if r.Format == FormatYAML {
		b, err := s.Export(ctx)
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	}
	snap, err := s.Snapshot(ctx, r.AsOf)
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
	*domain.Relation
}

// JSON writes the snapshot as one object: asOf (absent for all time), nodes
// (as the dataset format has them) and relations (with an id).
func JSON(w io.Writer, snap *store.Snapshot) error {
	doc := struct {
		AsOf      string         `json:"asOf,omitempty"`
		Nodes     []*domain.Node `json:"nodes"`
		Relations []relation     `json:"relations"`
	}{AsOf: snap.AsOf.String(), Nodes: snap.Nodes, Relations: make([]relation, len(snap.Relations))}
	for i, r := range snap.Relations {
		doc.Relations[i] = relation{ID: domain.RelationID(r), Relation: r}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// joinList joins a list for one CSV cell or GraphML attribute.
func joinList(items []string) string { return strings.Join(items, "; ") }

// sourceIDs lists the documents cited.
func sourceIDs(cs []domain.Citation) string {
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.Source
	}
	return joinList(ids)
}
