package export

import (
	"encoding/csv"
	"io"
	"maps"
	"slices"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// CSV writes one collection of the snapshot as RFC 4180 CSV in UTF-8: a
// header row, CRLF line ends, fields quoted where they hold a comma, a quote
// or a line break. A node collection has the columns id, kind, name,
// shortName, aliases, the kind's fields by name, and sources; relations have
// id, kind, from, to, validFrom, validTo, role, onBehalfOf, note, sources.
// Lists (aliases, sources) are joined with "; ". Dates keep their precision.
// Returns ENOTFOUND for an unknown collection.
func CSV(w io.Writer, snap *store.Snapshot, collection string) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	var err error
	if collection == RelationsCollection {
		err = relationRows(cw, snap.Relations)
	} else {
		err = nodeRows(cw, snap.Nodes, collection)
	}
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func relationRows(cw *csv.Writer, rels []*domain.Relation) error {
	if err := cw.Write([]string{"id", "kind", "from", "to", "validFrom", "validTo", "role", "onBehalfOf", "note", "sources"}); err != nil {
		return err
	}
	for _, r := range rels {
		row := []string{domain.RelationID(r), string(r.Kind), r.From, r.To, r.ValidFrom.String(), r.ValidTo.String(), r.Role, r.OnBehalfOf, r.Note, sourceIDs(r.Sources)}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	return nil
}

func nodeRows(cw *csv.Writer, nodes []*domain.Node, name string) error {
	i := slices.IndexFunc(domain.Kinds, func(k domain.KindInfo) bool { return k.Collection == name })
	if i < 0 {
		return domain.Errorf(domain.ENOTFOUND, "no collection %q", name)
	}
	kind := domain.Kinds[i].Kind
	fields := kindFields(kind)
	header := append([]string{"id", "kind", "name", "shortName", "aliases"}, fields...)
	if err := cw.Write(append(header, "sources")); err != nil {
		return err
	}
	for _, n := range nodes {
		if n.Kind != kind {
			continue
		}
		row := []string{n.ID, string(n.Kind), n.Name, n.ShortName, joinList(n.Aliases)}
		for _, f := range fields {
			row = append(row, n.Fields[f])
		}
		if err := cw.Write(append(row, sourceIDs(n.Sources))); err != nil {
			return err
		}
	}
	return nil
}

// kindFields lists the fields of a kind by name.
func kindFields(kind domain.Kind) []string {
	for _, k := range domain.Kinds {
		if k.Kind == kind {
			return slices.Sorted(maps.Keys(k.Fields))
		}
	}
	return nil
}
