package export

import (
	"maps"
	"slices"
	"strconv"

	"github.com/cccs13/cccs-graph/domain"
)

// columnType is how a column's text reads in a typed format (Parquet);
// CSV writes the text.
type columnType uint8

const (
	textColumn columnType = iota
	intColumn
	realColumn
)

type column struct {
	name string
	typ  columnType
}

// table is one collection as rows of text, "" where a value is absent.
type table struct {
	name    string
	columns []column
	rows    [][]string
}

// tableOf builds a collection of the network. A node collection has the
// columns id, kind, name, shortName, aliases, the kind's fields by name,
// longitude and latitude for territories and facilities, and sources;
// relations have id, kind, from, to, validFrom, validTo, role, onBehalfOf,
// note, sources. Lists are joined with "; "; dates keep their precision.
// Returns ENOTFOUND for an unknown collection.
func tableOf(n *Network, name string) (*table, error) {
	if name == RelationsCollection {
		return relationTable(n.Relations), nil
	}
	i := slices.IndexFunc(domain.Kinds, func(k domain.KindInfo) bool { return k.Collection == name })
	if i < 0 {
		return nil, domain.Errorf(domain.ENOTFOUND, "no collection %.80q", name)
	}
	return nodeTable(n, &domain.Kinds[i]), nil
}

func texts(names ...string) []column {
	out := make([]column, len(names))
	for i, n := range names {
		out[i] = column{n, textColumn}
	}
	return out
}

func relationTable(rels []*domain.Relation) *table {
	t := &table{name: RelationsCollection, columns: texts("id", "kind", "from", "to", "validFrom", "validTo", "role", "onBehalfOf", "note", "sources")}
	for _, r := range rels {
		t.rows = append(t.rows, []string{domain.RelationID(r), string(r.Kind), r.From, r.To, r.ValidFrom.String(), r.ValidTo.String(), r.Role, r.OnBehalfOf, r.Note, sourceIDs(r.Sources)})
	}
	return t
}

func nodeTable(n *Network, c *domain.KindInfo) *table {
	fields := kindFields(c)
	t := &table{name: c.Collection, columns: texts("id", "kind", "name", "shortName", "aliases")}
	for _, f := range fields {
		t.columns = append(t.columns, column{f.name, f.typ})
	}
	hasCoords := slices.Contains(located, c.Kind)
	if hasCoords {
		t.columns = append(t.columns, column{"longitude", realColumn}, column{"latitude", realColumn})
	}
	t.columns = append(t.columns, column{"sources", textColumn})
	for _, node := range n.Nodes {
		if node.Kind != c.Kind {
			continue
		}
		row := []string{node.ID, string(node.Kind), node.Name, node.ShortName, joinList(node.Aliases)}
		for _, f := range fields {
			row = append(row, node.Fields[f.name])
		}
		if hasCoords {
			lon, lat := coordinates(n, node.ID)
			row = append(row, lon, lat)
		}
		t.rows = append(t.rows, append(row, sourceIDs(node.Sources)))
	}
	return t
}

// coordinates are a node's longitude and latitude as text, "" without.
func coordinates(n *Network, id string) (lon, lat string) {
	p, ok := n.Coords[id]
	if !ok {
		return "", ""
	}
	return formatDegrees(p.Lon), formatDegrees(p.Lat)
}

// formatDegrees writes a coordinate to 7 decimals (about 1 cm).
func formatDegrees(v float64) string {
	return strconv.FormatFloat(v, 'f', 7, 64)
}

// kindFields lists the fields of a kind by name, with their column types.
func kindFields(k *domain.KindInfo) []column {
	var out []column
	for _, name := range slices.Sorted(maps.Keys(k.Fields)) {
		if slices.Contains(coordinateFields, name) {
			continue // written as the coordinates
		}
		typ := textColumn
		if k.Fields[name] == domain.IntField {
			typ = intColumn
		}
		out = append(out, column{name, typ})
	}
	return out
}
