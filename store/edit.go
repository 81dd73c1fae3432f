package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// Edits: one node or relation at a time, each one synced transaction with
// the record, its index keys, its change records and the new data version.
// Updates and deletions name the version they were made from: a stale one
// gets ECONFLICT and nothing is written (optimistic concurrency).

// Written is what an edit wrote: the node and relations as stored after it
// (a deletion: as they were), and its changes.
type Written struct {
	Node      *domain.Node
	Relations []*domain.Relation
	Changes   []*Change
}

// edit runs fn in a write at a new version, with a change log whose
// changes are stored with the records. A territory edit refreshes the
// spatial index.
func (s *Store) edit(ctx context.Context, m Meta, fn func(txn *badger.Txn, l *changeLog, w *Written) error) (*Written, error) {
	if m.Actor == "" {
		return nil, domain.Errorf(domain.EBADINPUT, "a write needs an actor")
	}
	w := &Written{}
	_, err := s.write(ctx, func(txn *badger.Txn, v uint64, at time.Time) error {
		*w = Written{}
		l := &changeLog{v: v, at: at, meta: m}
		if err := fn(txn, l, w); err != nil {
			return err
		}
		for _, c := range l.changes {
			if err := putChange(txn, c); err != nil {
				return err
			}
		}
		w.Changes = l.changes
		return bumpDataVersion(txn)
	})
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(w.Changes, func(c *Change) bool { return slices.Contains(c.Kinds, "territory") }) {
		err = s.rebuildGeoIndex(context.WithoutCancel(ctx)) // the write committed: never leave it half-indexed
	}
	return w, err
}

// CreateNode writes a new node and relations of it, in one write. Returns
// EBADINPUT for a bad record or reference, ECONFLICT when the id is taken.
func (s *Store) CreateNode(ctx context.Context, n *domain.Node, rels []*domain.Relation, m Meta) (*Written, error) {
	return s.edit(ctx, m, func(txn *badger.Txn, l *changeLog, w *Written) error {
		if err := checkMeta(txn, m, n, true); err != nil {
			return err
		}
		if err := n.Validate(); err != nil {
			return err
		}
		var old domain.Node
		if err := getNode(txn, n.ID, &old); err == nil {
			return domain.Errorf(domain.ECONFLICT, "a %s with the id %q exists already", old.Kind, n.ID)
		} else if domain.ErrorCode(err) != domain.ENOTFOUND {
			return err
		}
		if err := checkSources(txn, "sources", n.Sources, n); err != nil {
			return err
		}
		if _, err := putNode(txn, n); err != nil {
			return err
		}
		stored := *n
		stored.Version = l.v
		w.Node = &stored
		l.add(OpCreateNode, Target{TargetNode, n.ID}, []domain.Kind{n.Kind}, nil, recordJSON(n, l.v))
		for i, r := range rels {
			added, err := addRelation(txn, l, r, fmt.Sprintf("relations[%d]", i), n)
			if err != nil {
				return err
			}
			w.Relations = append(w.Relations, added)
		}
		return nil
	})
}

// UpdateNode applies change to the node id at version expected and adds
// m's sources to its citations. Returns ENOTFOUND, ECONFLICT for a stale
// version, EBADINPUT for a bad result.
func (s *Store) UpdateNode(ctx context.Context, id string, expected uint64, change func(*domain.Node) error, m Meta) (*Written, error) {
	return s.edit(ctx, m, func(txn *badger.Txn, l *changeLog, w *Written) error {
		var old domain.Node
		if err := getNode(txn, id, &old); err != nil {
			return err
		}
		if err := checkVersion("node "+id, old.Version, expected); err != nil {
			return err
		}
		n := old
		n.Fields = maps.Clone(old.Fields)
		n.Aliases = slices.Clone(old.Aliases)
		n.Sources = slices.Clone(old.Sources)
		if err := change(&n); err != nil {
			return err
		}
		if n.ID != old.ID || n.Kind != old.Kind {
			return domain.Errorf(domain.EBADINPUT, "the id and kind of a node never change: create another node")
		}
		n.Sources = mergeCitations(n.Sources, m.Sources)
		if err := checkMeta(txn, m, &n, true); err != nil {
			return err
		}
		if err := n.Validate(); err != nil {
			return err
		}
		if err := checkSources(txn, "sources", n.Sources, &n); err != nil {
			return err
		}
		if changed, err := putNode(txn, &n); err != nil || !changed {
			return cmpErr(err, domain.Errorf(domain.EBADINPUT, "the update changes nothing: node %s holds these values already", id))
		}
		n.Version = l.v
		w.Node = &n
		l.add(OpUpdateNode, Target{TargetNode, id}, []domain.Kind{n.Kind}, recordJSON(&old, old.Version), recordJSON(&n, l.v))
		return nil
	})
}

// maxListed bounds the relations an error names.
const maxListed = 20

// DeleteNode deletes the node id at version expected. A node with
// relations is refused (ECONFLICT naming them) unless withRelations, which
// deletes them too; a source that something cites is always refused.
func (s *Store) DeleteNode(ctx context.Context, id string, expected uint64, withRelations bool, m Meta) (*Written, error) {
	return s.edit(ctx, m, func(txn *badger.Txn, l *changeLog, w *Written) error {
		if strings.TrimSpace(m.Reason) == "" {
			return domain.Errorf(domain.EBADINPUT, "reason: say why the node is deleted")
		}
		if err := checkMeta(txn, m, nil, false); err != nil {
			return err
		}
		var old domain.Node
		if err := getNode(txn, id, &old); err != nil {
			return err
		}
		if err := checkVersion("node "+id, old.Version, expected); err != nil {
			return err
		}
		if old.Kind == "source" {
			if citer, err := citedBy(txn, id); err != nil || citer != "" {
				return cmpErr(err, domain.Errorf(domain.ECONFLICT, "the source %s is cited (by %s, at least): it cannot be deleted", id, citer))
			}
		}
		rels, err := relations(txn, RelQuery{ID: id, Dir: domain.Both})
		if err != nil {
			return err
		}
		if len(rels) > 0 && !withRelations {
			ids := make([]string, 0, maxListed)
			for _, r := range rels[:min(len(rels), maxListed)] {
				ids = append(ids, domain.RelationID(r))
			}
			more := ""
			if len(rels) > maxListed {
				more = fmt.Sprintf(" and %d more", len(rels)-maxListed)
			}
			return domain.Errorf(domain.ECONFLICT, "node %s has %d relation(s): %s%s; delete them first, or ask to delete them with the node", id, len(rels), strings.Join(ids, ", "), more)
		}
		for _, r := range rels {
			if err := deleteRelation(txn, l, r); err != nil {
				return err
			}
			w.Relations = append(w.Relations, r)
		}
		if err := deleteIndexes(txn, &old); err != nil {
			return err
		}
		if err := txn.Delete(nodeKey(id)); err != nil {
			return err
		}
		if err := txn.Delete(geometryKey(id)); err != nil {
			return err
		}
		w.Node = &old
		l.add(OpDeleteNode, Target{TargetNode, id}, []domain.Kind{old.Kind}, recordJSON(&old, old.Version), nil)
		return nil
	})
}

func cmpErr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// citedBy returns a node or relation that cites the source id, "" for none.
func citedBy(txn *badger.Txn, id string) (string, error) {
	cites := func(cs []domain.Citation) bool {
		return slices.ContainsFunc(cs, func(c domain.Citation) bool { return c.Source == id })
	}
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pNode}, PrefetchValues: true})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var n *domain.Node
		if err := it.Item().Value(func(b []byte) (err error) { n, err = decodeSeen(nodeMemo, b); return err }); err != nil {
			return "", err
		}
		if n.ID != id && cites(n.Sources) {
			return n.ID, nil
		}
	}
	rels, err := scanEdges(context.Background(), txn, []byte{pEdgeOut}, domain.Date{})
	for _, r := range rels {
		if cites(r.Sources) {
			return domain.RelationID(r), nil
		}
	}
	return "", err
}

// AddRelation writes a new relation. Returns EBADINPUT for a bad record or
// reference, ECONFLICT when the same relation exists.
func (s *Store) AddRelation(ctx context.Context, r *domain.Relation, m Meta) (*Written, error) {
	return s.edit(ctx, m, func(txn *badger.Txn, l *changeLog, w *Written) error {
		if err := checkMeta(txn, m, nil, true); err != nil {
			return err
		}
		added, err := addRelation(txn, l, r, "", nil)
		if err == nil {
			w.Relations = []*domain.Relation{added}
		}
		return err
	})
}

// addRelation checks and writes r; path prefixes the fields in messages,
// and created is a node written in the same edit (nil for none).
func addRelation(txn *badger.Txn, l *changeLog, r *domain.Relation, path string, created *domain.Node) (*domain.Relation, error) {
	at := func(field string) string {
		if path == "" {
			return field
		}
		return path + "." + field
	}
	if err := r.Validate(); err != nil {
		return nil, domain.Errorf(domain.EBADINPUT, "%s: %s", strings.TrimSuffix(at(""), "."), domain.ErrorMessage(err))
	}
	kinds, err := checkRelationRefs(txn, r, created, at)
	if err != nil {
		return nil, err
	}
	if err := checkSources(txn, at("sources"), r.Sources, created); err != nil {
		return nil, err
	}
	out, _ := edgeKeys(r)
	if _, err := txn.Get(out); err == nil {
		return nil, domain.Errorf(domain.ECONFLICT, "the relation %s exists already", domain.RelationID(r))
	} else if !errors.Is(err, badger.ErrKeyNotFound) {
		return nil, err
	}
	if _, err := putRelation(txn, r); err != nil {
		return nil, err
	}
	stored := *r
	stored.Version = l.v
	l.add(OpAddRelation, Target{TargetRelation, domain.RelationID(r)}, kinds, nil, recordJSON(r, l.v))
	return &stored, nil
}

// checkRelationRefs checks a relation's ends and onBehalfOf against the
// store (and a node created in the same write): they exist, their kinds fit
// the relation table. Returns the kinds of the two ends.
func checkRelationRefs(txn *badger.Txn, r *domain.Relation, created *domain.Node, at func(string) string) ([]domain.Kind, error) {
	kindOf := func(id string) (domain.Kind, bool) {
		if created != nil && id == created.ID {
			return created.Kind, true
		}
		var n domain.Node
		if getNode(txn, id, &n) != nil {
			return "", false
		}
		return n.Kind, true
	}
	problems := relationProblems(r, kindOf, at)
	if len(problems) > 0 {
		return nil, domain.Errorf(domain.EBADINPUT, "%s", strings.Join(problems, "; "))
	}
	from, _ := kindOf(r.From)
	to, _ := kindOf(r.To)
	return []domain.Kind{from, to}, nil
}

// relationProblems checks a relation's references, as the importer and the
// edits both do: the ends exist and their kinds fit the relation table;
// onBehalfOf is an organization a person acts for.
func relationProblems(r *domain.Relation, kindOf func(string) (domain.Kind, bool), at func(string) string) []string {
	var probs []string
	from, okFrom := kindOf(r.From)
	to, okTo := kindOf(r.To)
	if !okFrom {
		probs = append(probs, fmt.Sprintf("%s: unknown node %q", at("from"), r.From))
	}
	if !okTo {
		probs = append(probs, fmt.Sprintf("%s: unknown node %q", at("to"), r.To))
	}
	if ok, rule := domain.EndsAllowed(r.Kind, from, to); okFrom && okTo && !ok {
		probs = append(probs, fmt.Sprintf("%s: %s %s (%s) -> %s (%s): %s", at("kind"), r.Kind, r.From, from, r.To, to, rule))
	}
	if r.OnBehalfOf != "" {
		k, ok := kindOf(r.OnBehalfOf)
		switch {
		case !ok:
			probs = append(probs, fmt.Sprintf("%s: unknown node %q", at("onBehalfOf"), r.OnBehalfOf))
		case k != "organization":
			probs = append(probs, fmt.Sprintf("%s: %s is a %s, not an organization", at("onBehalfOf"), r.OnBehalfOf, k))
		case okFrom && from != "person":
			probs = append(probs, fmt.Sprintf("%s: only a person acts on behalf of an organization; %s is a %s", at("onBehalfOf"), r.From, from))
		}
	}
	return probs
}

// checkSources checks that every cited source is a node of kind source
// (self, a node being written, may cite itself).
func checkSources(txn *badger.Txn, path string, cs []domain.Citation, self *domain.Node) error {
	var probs []string
	for i, c := range cs {
		if self != nil && c.Source == self.ID && self.Kind == "source" {
			continue
		}
		var n domain.Node
		if err := getNode(txn, c.Source, &n); err != nil || n.Kind != "source" {
			probs = append(probs, fmt.Sprintf("%s[%d].source: %q is not a node of kind source", path, i, c.Source))
		}
	}
	if len(probs) > 0 {
		return domain.Errorf(domain.EBADINPUT, "%s", strings.Join(probs, "; "))
	}
	return nil
}

// checkMeta checks a write's own sources: required when need, each an
// existing source (or self, a source node being created).
func checkMeta(txn *badger.Txn, m Meta, self *domain.Node, need bool) error {
	if need && len(m.Sources) == 0 {
		return domain.Errorf(domain.EBADINPUT, "sources: a write cites at least one source that justifies it")
	}
	for i, c := range m.Sources {
		if !domain.ValidID(c.Source) {
			return domain.Errorf(domain.EBADINPUT, "sources[%d].source: %q is not a node id", i, c.Source)
		}
	}
	if len(m.Reason) > maxText {
		return domain.Errorf(domain.EBADINPUT, "reason: at most %d bytes", maxText)
	}
	return checkSources(txn, "sources", m.Sources, self)
}

// maxText bounds a reason.
const maxText = 4096

func checkVersion(what string, current, expected uint64) error {
	if current != expected {
		return domain.Errorf(domain.ECONFLICT, "%s is at version %d, not %d: it changed since it was read; read it again and retry", what, current, expected)
	}
	return nil
}

// relationByID reads the relation with a RelationID. Returns ENOTFOUND.
func relationByID(txn *badger.Txn, id string) (*domain.Relation, error) {
	key, err := ParseRelationID(id)
	if err != nil {
		return nil, err
	}
	r, err := relationByKey(txn, key)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return nil, domain.Errorf(domain.ENOTFOUND, "no relation with id %q", id)
	}
	return r, err
}

// relationAtVersion reads the relation id, which must be at version
// expected. Returns ENOTFOUND, ECONFLICT.
func relationAtVersion(txn *badger.Txn, id string, expected uint64) (*domain.Relation, error) {
	r, err := relationByID(txn, id)
	if err == nil {
		err = checkVersion("relation "+id, r.Version, expected)
	}
	return r, err
}

// Relation returns the relation with a RelationID. Returns ENOTFOUND, or
// EBADINPUT for an id that is none.
func (s *Store) Relation(ctx context.Context, id string) (*domain.Relation, error) {
	var r *domain.Relation
	err := s.view(ctx, func(txn *badger.Txn) (err error) { r, err = relationByID(txn, id); return err })
	return r, err
}

// ParseRelationID reads an id made by RelationID (from>kind>to@validFrom/onBehalfOf)
// into the relation's identity. Returns EBADINPUT for anything else.
func ParseRelationID(id string) (*domain.Relation, error) {
	bad := domain.Errorf(domain.EBADINPUT, "invalid relation id %q: from>kind>to, then @validFrom and /onBehalfOf where they are set", domain.Prefix(id))
	parts := strings.Split(id, ">")
	if len(parts) != 3 || len(id) > 300 {
		return nil, bad
	}
	r := &domain.Relation{From: parts[0], Kind: domain.RelKind(parts[1])}
	rest := parts[2]
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		r.OnBehalfOf, rest = rest[i+1:], rest[:i]
	}
	if i := strings.IndexByte(rest, '@'); i >= 0 {
		d, err := domain.ParseDate(rest[i+1:])
		if err != nil {
			return nil, bad
		}
		r.ValidFrom, rest = d, rest[:i]
	}
	r.To = rest
	if _, ok := relKindCode(r.Kind); !ok || !domain.ValidID(r.From) || !domain.ValidID(r.To) || (r.OnBehalfOf != "" && !domain.ValidID(r.OnBehalfOf)) {
		return nil, bad
	}
	if domain.RelationID(r) != id {
		return nil, bad
	}
	return r, nil
}

// UpdateRelation applies change to the relation id at version expected and
// adds m's sources to its citations; op names the change (OpUpdateRelation,
// OpEndRelation). The identity (from, kind, to, validFrom, onBehalfOf) never
// changes. Returns ENOTFOUND, ECONFLICT for a stale version, EBADINPUT.
func (s *Store) UpdateRelation(ctx context.Context, id string, expected uint64, op string, change func(*domain.Relation) error, m Meta) (*Written, error) {
	return s.edit(ctx, m, func(txn *badger.Txn, l *changeLog, w *Written) error {
		if err := checkMeta(txn, m, nil, true); err != nil {
			return err
		}
		old, err := relationAtVersion(txn, id, expected)
		if err != nil {
			return err
		}
		r := *old
		r.Sources = slices.Clone(old.Sources)
		if err := change(&r); err != nil {
			return err
		}
		if domain.RelationID(&r) != id || r.Kind != old.Kind {
			return domain.Errorf(domain.EBADINPUT, "the ends, kind and start of a relation never change: end it and add another")
		}
		r.Sources = mergeCitations(r.Sources, m.Sources)
		if err := r.Validate(); err != nil {
			return err
		}
		if err := checkSources(txn, "sources", r.Sources, nil); err != nil {
			return err
		}
		kinds, err := checkRelationRefs(txn, &r, nil, func(f string) string { return f })
		if err != nil {
			return err
		}
		if changed, err := putRelation(txn, &r); err != nil || !changed {
			return cmpErr(err, domain.Errorf(domain.EBADINPUT, "the update changes nothing: relation %s holds these values already", id))
		}
		r.Version = l.v
		w.Relations = []*domain.Relation{&r}
		l.add(op, Target{TargetRelation, id}, kinds, recordJSON(old, old.Version), recordJSON(&r, l.v))
		return nil
	})
}

// DeleteRelation deletes the relation id at version expected. Returns
// ENOTFOUND, ECONFLICT for a stale version.
func (s *Store) DeleteRelation(ctx context.Context, id string, expected uint64, m Meta) (*Written, error) {
	return s.edit(ctx, m, func(txn *badger.Txn, l *changeLog, w *Written) error {
		if strings.TrimSpace(m.Reason) == "" {
			return domain.Errorf(domain.EBADINPUT, "reason: say why the relation is deleted")
		}
		if err := checkMeta(txn, m, nil, false); err != nil {
			return err
		}
		old, err := relationAtVersion(txn, id, expected)
		if err != nil {
			return err
		}
		w.Relations = []*domain.Relation{old}
		return deleteRelation(txn, l, old)
	})
}

func deleteRelation(txn *badger.Txn, l *changeLog, r *domain.Relation) error {
	out, in := edgeKeys(r)
	if err := txn.Delete(out); err != nil {
		return err
	}
	if err := txn.Delete(in); err != nil {
		return err
	}
	if err := deleteRelOrder(txn, r); err != nil {
		return err
	}
	var from, to domain.Node
	getNode(txn, r.From, &from)
	getNode(txn, r.To, &to)
	l.add(OpDeleteRelation, Target{TargetRelation, domain.RelationID(r)}, []domain.Kind{from.Kind, to.Kind}, recordJSON(r, r.Version), nil)
	return nil
}

// mergeCitations adds to cs the citations of add it does not hold yet.
func mergeCitations(cs, add []domain.Citation) []domain.Citation {
	for _, c := range add {
		if !slices.Contains(cs, c) {
			cs = append(cs, c)
		}
	}
	return cs
}

// KindFields are the fields a kind of node may carry, with their types;
// nil for an unknown kind.
func KindFields(k domain.Kind) map[string]domain.FieldType {
	if info, ok := domain.KindOf(k); ok {
		return info.Fields
	}
	return nil
}
