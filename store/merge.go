package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// Import merge: a record of a node or relation that is already stored is
// merged into it, so a file that says a little about a node (a new alias, a
// new source) never drops what it does not mention. Replace writes records
// whole instead.

// plannedRecord is one record of an import with what it does to the store.
type plannedRecord struct {
	node      *domain.Node     // a node to write, or
	relation  *domain.Relation // a relation to write
	oldNode   *domain.Node     // the stored one; nil when new
	oldRel    *domain.Relation
	changed   bool
	kinds     []domain.Kind // a relation's ends
	fieldDiff []FieldChange
}

// FieldChange is one field an import changes: its value before and after,
// as text ("" for absent).
type FieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
}

// mergeNode returns old with what n says: its name, its short name, fields
// and aliases when given, and its sources added.
func mergeNode(old, n *domain.Node) *domain.Node {
	m := *old
	m.Version = 0
	m.Name = n.Name
	if n.ShortName != "" {
		m.ShortName = n.ShortName
	}
	m.Aliases = slices.Clone(old.Aliases)
	for _, a := range n.Aliases {
		if !slices.Contains(m.Aliases, a) {
			m.Aliases = append(m.Aliases, a)
		}
	}
	m.Fields = maps.Clone(old.Fields)
	if len(n.Fields) > 0 && m.Fields == nil {
		m.Fields = map[string]string{}
	}
	maps.Copy(m.Fields, n.Fields)
	m.Sources = mergeCitations(slices.Clone(old.Sources), n.Sources)
	return &m
}

// mergeRelation returns old with what r says: its end, role and note when
// given, and its sources added.
func mergeRelation(old, r *domain.Relation) *domain.Relation {
	m := *old
	m.Version = 0
	if !r.ValidTo.IsZero() {
		m.ValidTo = r.ValidTo
	}
	if r.Role != "" {
		m.Role = r.Role
	}
	if r.Note != "" {
		m.Note = r.Note
	}
	m.Sources = mergeCitations(slices.Clone(old.Sources), r.Sources)
	return &m
}

// planImport says, for every parsed record, what it writes: new, merged or
// replaced, changed or not, and which fields.
func planImport(txn *badger.Txn, p *parsed, replace bool) ([]plannedRecord, []Problem) {
	var plan []plannedRecord
	var probs []Problem
	kinds := map[string]domain.Kind{}
	for _, n := range p.nodes {
		rec := plannedRecord{node: n.rec, changed: true}
		var old domain.Node
		switch err := getNode(txn, n.rec.ID, &old); {
		case err == nil:
			if old.Kind != n.rec.Kind {
				probs = append(probs, problem(n.at, "node %s is a %s in the store: the kind of a node never changes", n.rec.ID, old.Kind))
				continue
			}
			rec.oldNode = &old
			if replace && n.invalid != nil {
				probs = append(probs, problem(n.at, "%s", domain.ErrorMessage(n.invalid)))
				continue
			}
			if !replace {
				rec.node = mergeNode(&old, n.rec)
				if err := rec.node.Validate(); err != nil {
					probs = append(probs, problem(n.at, "merged into the stored node: %s", domain.ErrorMessage(err)))
					continue
				}
			}
			rec.fieldDiff = diffFields(nodeFields(&old), nodeFields(rec.node))
			rec.changed = len(rec.fieldDiff) > 0
		case domain.ErrorCode(err) != domain.ENOTFOUND:
			probs = append(probs, problem(n.at, "%s", domain.ErrorMessage(err)))
			continue
		default:
			if n.invalid != nil {
				probs = append(probs, problem(n.at, "%s", domain.ErrorMessage(n.invalid)))
				continue
			}
			rec.fieldDiff = diffFields(nil, nodeFields(rec.node))
		}
		kinds[n.rec.ID] = n.rec.Kind
		plan = append(plan, rec)
	}
	for _, r := range p.relations {
		rec := plannedRecord{relation: r.rec, changed: true}
		if old, err := relationByKey(txn, r.rec); err == nil {
			rec.oldRel = old
			if !replace {
				rec.relation = mergeRelation(old, r.rec)
			}
			rec.fieldDiff = diffFields(relationFields(old), relationFields(rec.relation))
			rec.changed = len(rec.fieldDiff) > 0
		} else if domain.ErrorCode(err) != domain.ENOTFOUND {
			probs = append(probs, problem(r.at, "%s", domain.ErrorMessage(err)))
			continue
		} else {
			rec.fieldDiff = diffFields(nil, relationFields(rec.relation))
		}
		for _, id := range []string{r.rec.From, r.rec.To} {
			k, ok := kinds[id]
			if !ok {
				var n domain.Node
				getNode(txn, id, &n)
				k = n.Kind
			}
			rec.kinds = append(rec.kinds, k)
		}
		plan = append(plan, rec)
	}
	return plan, probs
}

// relationByKey reads the stored relation with r's identity. Returns domain.ENOTFOUND.
func relationByKey(txn *badger.Txn, r *domain.Relation) (*domain.Relation, error) {
	out, _ := edgeKeys(r)
	item, err := txn.Get(out)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, domain.Errorf(domain.ENOTFOUND, "no relation %s", domain.RelationID(r))
	}
	if err != nil {
		return nil, err
	}
	var old domain.Relation
	err = item.Value(func(b []byte) error { return decode(b, &old) })
	old.Version = item.Version()
	return &old, err
}

func planResult(plan []plannedRecord) ImportResult {
	var res ImportResult
	for _, rec := range plan {
		if rec.node != nil {
			count(rec.changed, &res.NodesWritten, &res.NodesUnchanged)
		} else {
			count(rec.changed, &res.RelationsWritten, &res.RelationsUnchanged)
		}
		if rec.changed {
			op, t := rec.operation()
			res.Plan = append(res.Plan, RecordChange{Operation: op, Target: t, Fields: rec.fieldDiff})
		}
	}
	return res
}

// operation is what rec does, and to what.
func (rec plannedRecord) operation() (string, Target) {
	switch {
	case rec.node != nil && rec.oldNode == nil:
		return OpCreateNode, Target{TargetNode, rec.node.ID}
	case rec.node != nil:
		return OpUpdateNode, Target{TargetNode, rec.node.ID}
	case rec.oldRel == nil:
		return OpAddRelation, Target{TargetRelation, domain.RelationID(rec.relation)}
	}
	return OpUpdateRelation, Target{TargetRelation, domain.RelationID(rec.relation)}
}

func count(changed bool, written, unchanged *int) {
	if changed {
		*written++
	} else {
		*unchanged++
	}
}

// writePlan writes the changed records of a plan, each with its change
// record, as parts of one staged write.
func writePlan(st *stage, plan []plannedRecord, o ImportOptions, res *ImportResult) error {
	v, at := st.Version()
	l := &changeLog{v: v, at: at, meta: Meta{Actor: o.Actor, Reason: o.Reason}}
	for _, rec := range plan {
		if !rec.changed {
			continue
		}
		c := rec.change(l)
		c.Sources = rec.sources()
		err := st.Add(func(txn *badger.Txn) error {
			if err := rec.write(txn); err != nil {
				return err
			}
			return putChange(txn, c)
		}, nil)
		if err != nil {
			return err
		}
	}
	return nil
}

func (rec plannedRecord) write(txn *badger.Txn) error {
	if rec.node != nil {
		_, err := putNode(txn, rec.node)
		return err
	}
	_, err := putRelation(txn, rec.relation)
	return err
}

func (rec plannedRecord) sources() []domain.Citation {
	if rec.node != nil {
		return rec.node.Sources
	}
	return rec.relation.Sources
}

// change records what rec does in l.
func (rec plannedRecord) change(l *changeLog) *Change {
	op, t := rec.operation()
	var before, after json.RawMessage
	kinds := rec.kinds
	if rec.node != nil {
		kinds = []domain.Kind{rec.node.Kind}
		after = recordJSON(rec.node, l.v)
		if rec.oldNode != nil {
			before = recordJSON(rec.oldNode, rec.oldNode.Version)
		}
	} else {
		after = recordJSON(rec.relation, l.v)
		if rec.oldRel != nil {
			before = recordJSON(rec.oldRel, rec.oldRel.Version)
		}
	}
	return l.add(op, t, kinds, before, after)
}

// nodeFields flattens a node for a field-by-field comparison.
func nodeFields(n *domain.Node) map[string]string {
	f := map[string]string{"name": n.Name, "shortName": n.ShortName, "aliases": strings.Join(n.Aliases, ", "), "sources": citationsText(n.Sources)}
	for k, v := range n.Fields {
		f["fields."+k] = v
	}
	return f
}

func relationFields(r *domain.Relation) map[string]string {
	return map[string]string{"validTo": r.ValidTo.String(), "role": r.Role, "note": r.Note, "sources": citationsText(r.Sources)}
}

func citationsText(cs []domain.Citation) string {
	b, _ := json.Marshal(cs)
	return string(b)
}

// diffFields lists the fields whose values differ, in name order.
func diffFields(before, after map[string]string) []FieldChange {
	var out []FieldChange
	names := slices.Sorted(maps.Keys(after))
	for k := range before {
		if _, ok := after[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range names {
		if before[k] != after[k] {
			out = append(out, FieldChange{Field: k, Before: before[k], After: after[k]})
		}
	}
	return out
}

// WritePlan describes an import's changes for a person, at most max
// records: what it creates, and what it changes field by field.
func (r ImportResult) WritePlan(w io.Writer, max int) {
	for i, c := range r.Plan {
		if i == max {
			fmt.Fprintf(w, "... and %d more record(s)\n", len(r.Plan)-max)
			break
		}
		verb := "changed"
		if c.Operation == OpCreateNode || c.Operation == OpAddRelation {
			verb = "created"
		}
		fmt.Fprintf(w, "%s %s %s\n", verb, c.Target.Type, c.Target.ID)
		if verb == "changed" {
			for _, f := range c.Fields {
				before, after := quoteChange(f.Before, f.After)
				fmt.Fprintf(w, "  %s: %s -> %s\n", f.Field, before, after)
			}
		}
	}
	fmt.Fprintf(w, "unchanged: %d node(s), %d relation(s)\n", r.NodesUnchanged, r.RelationsUnchanged)
}

// quoteChange shows a field's values before and after, shortened. When
// they share a beginning longer than a shortened value shows (a long list
// of aliases that gains one), both start a little before their first
// difference (at a word), so that the change is what is seen.
func quoteChange(before, after string) (string, string) {
	same := 0
	for same < len(before) && same < len(after) && before[same] == after[same] {
		same++
	}
	if start := same - 32; start > 16 {
		for !utf8.RuneStart(before[start]) {
			start--
		}
		if space := strings.LastIndexByte(before[:start], ' '); space >= 0 && start-space <= 16 {
			start = space + 1 // at the start of a word
		}
		before, after = "…"+before[start:], "…"+after[start:]
	}
	return quoteField(before), quoteField(after)
}

// quoteField shows a field's value, shortened: "(none)" when absent.
func quoteField(s string) string {
	if s == "" {
		return "(none)"
	}
	return strconv.Quote(domain.Prefix(s))
}
