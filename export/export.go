// Package export writes the network for analysts' tools: GraphML (NetworkX,
// igraph), GEXF with the periods of nodes and relations (Gephi's timeline),
// CSV and Parquet per collection (spreadsheets, pandas, polars, DuckDB, R)
// and JSON, as of a date or over all time, whole or for some relation
// kinds. It reads a store.Snapshot and imports no storage library.
package export

import (
	"context"
	"encoding/json"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/cccs13/cccs-graph/domain"
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

// Collections lists the CSV and Parquet collections: every node collection
// of the registry (domain.Kinds), then relations.
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
	Collection string           // CSV and Parquet only
	AsOf       domain.Date      // zero: everything, over all time
	Kinds      []domain.RelKind // the relations of these kinds and the nodes at their ends; none: all
}

// Validate checks a request. Returns EBADINPUT for an unknown format, a
// collection outside CSV or a missing one, a date with the YAML dataset, and
// ENOTFOUND for an unknown collection.
func (r Request) Validate() error {
	switch {
	case !slices.Contains(Formats, r.Format):
		return domain.Errorf(domain.EBADINPUT, "unknown format %q: use %s", r.Format, strings.Join(Formats, ", "))
	case tabular(r.Format) && r.Collection == "":
		return domain.Errorf(domain.EBADINPUT, "%s is written one collection at a time: name one of %s", r.Format, strings.Join(Collections(), ", "))
	case tabular(r.Format) && !slices.Contains(Collections(), r.Collection):
		return domain.Errorf(domain.ENOTFOUND, "no collection %.80q: use one of %s", r.Collection, strings.Join(Collections(), ", "))
	case !tabular(r.Format) && r.Collection != "":
		return domain.Errorf(domain.EBADINPUT, "a collection is chosen for csv and parquet only; %s holds the whole network", r.Format)
	case r.Format == FormatYAML && (!r.AsOf.IsZero() || len(r.Kinds) > 0):
		return domain.Errorf(domain.EBADINPUT, "the YAML dataset is the whole graph, for import: a date and kinds apply to the other formats")
	}
	return nil
}

// maxKindsParam bounds the text of a list of kinds.
const maxKindsParam = 1000

// ParseKinds reads a comma-separated list of relation kinds as the dataset
// names them ("signatory,member-of"), without repeats. Returns EBADINPUT
// for an unknown kind or a list too long.
func ParseKinds(s string) ([]domain.RelKind, error) {
	if len(s) > maxKindsParam {
		return nil, domain.Errorf(domain.EBADINPUT, "kinds: %d bytes, at most %d", len(s), maxKindsParam)
	}
	var kinds []domain.RelKind
	for name := range strings.SplitSeq(s, ",") {
		k := domain.RelKind(strings.TrimSpace(name))
		if _, ok := domain.RelKindOf(k); !ok {
			// GraphQL spells kinds as enum values (MEMBER_OF): say which
			// name the exports take for one.
			dataset := domain.RelKind(strings.ReplaceAll(strings.ToLower(string(k)), "_", "-"))
			if _, ok := domain.RelKindOf(dataset); ok {
				return nil, domain.Errorf(domain.EBADINPUT, "unknown relation kind %.40q: the exports name kinds as the dataset does (did you mean %s?)", k, dataset)
			}
			return nil, domain.Errorf(domain.EBADINPUT, "unknown relation kind %.40q: use %s", k, kindNames())
		}
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
	}
	return kinds, nil
}

func kindNames() string {
	names := make([]string, len(domain.RelKinds))
	for i, k := range domain.RelKinds {
		names[i] = string(k.Kind)
	}
	return strings.Join(names, ", ")
}

// Reader is what an export reads: the dataset, or the network at a date,
// each in one transaction, with the centroids of its nodes that have a
// geometry; and the data version its ETags key on. *store.Store is one.
type Reader interface {
	Export(ctx context.Context) ([]byte, error)
	Snapshot(ctx context.Context, asOf domain.Date) (*store.Snapshot, error)
	Centroids(ctx context.Context, ids []string) (map[string]store.Point, error)
	DataVersion(ctx context.Context) (uint64, error)
}

// Write writes what r asks for, read from s. Returns the codes of Validate.
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
	n, err := read(ctx, s, r)
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
// territories and facilities: a stored geometry's centroid (a territory's
// outline, a facility's point), else the node's longitude and latitude
// fields.
type Network struct {
	*store.Snapshot
	Coords map[string]store.Point
}

// located are the kinds of node that may have coordinates.
var located = []domain.Kind{domain.KindTerritory, domain.KindFacility}

// coordinateFields are the fields that hold a point: the exports write them
// once, as the coordinates.
var coordinateFields = []string{"longitude", "latitude"}

// fieldPoint reads a node's coordinate fields; false unless both parse.
func fieldPoint(n *domain.Node) (store.Point, bool) {
	lon, errLon := strconv.ParseFloat(n.Field("longitude"), 64)
	lat, errLat := strconv.ParseFloat(n.Field("latitude"), 64)
	return store.Point{Lon: lon, Lat: lat}, errLon == nil && errLat == nil
}

func read(ctx context.Context, s Reader, r Request) (*Network, error) {
	snap, err := s.Snapshot(ctx, r.AsOf)
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
	coords, err := s.Centroids(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, n := range snap.Nodes {
		if _, ok := coords[n.ID]; !ok && slices.Contains(located, n.Kind) {
			if p, ok := fieldPoint(n); ok {
				coords[n.ID] = p
			}
		}
	}
	return &Network{Snapshot: snap, Coords: coords}, nil
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
