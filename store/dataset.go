package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
	"gopkg.in/yaml.v3"
)

// Dataset is the content of dataset files: nodes and relations (docs/dataset.md).
type Dataset struct {
	Nodes     []*domain.Node     `yaml:"nodes,omitempty"`
	Relations []*domain.Relation `yaml:"relations,omitempty"`
}

// File is a dataset file's name and content.
type File struct {
	Name string
	Data []byte
}

// Problem is one bad record of a dataset file, with its position.
type Problem struct {
	File    string
	Line    int
	Message string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message) }

// ImportResult counts what an import changed (or, dry, would change), with
// the changes themselves.
type ImportResult struct {
	NodesWritten       int            `json:"nodesWritten"`
	NodesUnchanged     int            `json:"nodesUnchanged"`
	RelationsWritten   int            `json:"relationsWritten"`
	RelationsUnchanged int            `json:"relationsUnchanged"`
	Version            uint64         `json:"version,omitempty"` // the data version the import published; 0 when it wrote nothing
	Plan               []RecordChange `json:"plan"`              // one per record written (or, dry, to write)
}

// RecordChange is what an import does to one record: creates it, or
// changes some of its fields.
type RecordChange struct {
	Operation string        `json:"operation"` // OpCreateNode, OpUpdateNode, OpAddRelation, OpUpdateRelation
	Target    Target        `json:"target"`
	Fields    []FieldChange `json:"fields"`
}

// Changed reports whether the import wrote anything.
func (r ImportResult) Changed() bool { return r.NodesWritten+r.RelationsWritten > 0 }

// ImportOptions say how an import writes.
type ImportOptions struct {
	Actor   string // recorded in the history; "import" when empty
	Reason  string // recorded in the history
	Replace bool   // a record replaces the stored one whole; by default it is merged into it
	DryRun  bool   // check and plan only: write nothing
}

var (
	topKeys      = []string{"nodes", "relations"}
	nodeKeys     = []string{"id", "kind", "name", "shortName", "aliases", "fields", "sources"}
	relationKeys = []string{"kind", "from", "to", "validFrom", "validTo", "role", "onBehalfOf", "note", "sources"}
	citationKeys = []string{"source", "excerpt"}
)

// located is a record with the place it was read from.
type located[T any] struct {
	rec     T
	at      Problem // File and Line; Message unused
	invalid error   // what Validate says of the record alone: a merge may still make it whole
}

type parsed struct {
	nodes     []located[*domain.Node]
	relations []located[*domain.Relation]
}

// parseFile reads one dataset file, reporting every bad record.
func parseFile(f File, into *parsed) []Problem {
	var doc yaml.Node
	if err := yaml.Unmarshal(f.Data, &doc); err != nil {
		return []Problem{{f.Name, 0, "not valid YAML: " + err.Error()}}
	}
	if len(doc.Content) == 0 {
		return nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return []Problem{{f.Name, top.Line, "a dataset file is a mapping with the keys nodes and relations"}}
	}
	var probs []Problem
	add := func(line int, format string, args ...any) {
		probs = append(probs, Problem{f.Name, line, fmt.Sprintf(format, args...)})
	}
	probs = append(probs, checkKeys(f.Name, top, topKeys, "file")...)
	for i := 0; i+1 < len(top.Content); i += 2 {
		key, list := top.Content[i].Value, top.Content[i+1]
		if !slices.Contains(topKeys, key) {
			continue
		}
		if list.Kind != yaml.SequenceNode {
			add(list.Line, "%s must be a list", key)
			continue
		}
		for _, item := range list.Content {
			at := Problem{File: f.Name, Line: item.Line}
			if key == "nodes" {
				n, ps, invalid := parseRecord[domain.Node](f.Name, item, nodeKeys, "node")
				probs = append(probs, ps...)
				if n != nil {
					into.nodes = append(into.nodes, located[*domain.Node]{n, at, invalid})
				}
			} else {
				r, ps, invalid := parseRecord[domain.Relation](f.Name, item, relationKeys, "relation")
				if invalid != nil {
					ps = append(ps, Problem{f.Name, item.Line, invalid.Error()})
				}
				probs = append(probs, ps...)
				if r != nil && invalid == nil {
					into.relations = append(into.relations, located[*domain.Relation]{r, at, nil})
				}
			}
		}
	}
	return probs
}

type validator interface{ Validate() error }

// parseRecord decodes and validates one list item, with its unknown keys.
// A record that decodes but does not validate on its own is returned with
// what Validate says (invalid): merged into a stored one, it may be whole.
func parseRecord[T any, PT interface {
	*T
	validator
}](file string, item *yaml.Node, keys []string, what string) (rec *T, probs []Problem, invalid error) {
	if item.Kind != yaml.MappingNode {
		return nil, []Problem{{file, item.Line, what + " must be a mapping"}}, nil
	}
	probs = checkKeys(file, item, keys, what)
	for i := 0; i+1 < len(item.Content); i += 2 {
		if item.Content[i].Value == "sources" {
			for _, c := range item.Content[i+1].Content {
				probs = append(probs, checkKeys(file, c, citationKeys, "citation")...)
			}
		}
	}
	rec = new(T)
	if err := item.Decode(rec); err != nil {
		return nil, append(probs, Problem{file, item.Line, what + ": " + strings.TrimPrefix(err.Error(), "yaml: ")}), nil
	}
	if len(probs) > 0 {
		return nil, probs, nil
	}
	return rec, nil, PT(rec).Validate()
}

func checkKeys(file string, m *yaml.Node, allowed []string, what string) []Problem {
	var probs []Problem
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; !slices.Contains(allowed, k.Value) {
			probs = append(probs, Problem{file, k.Line, fmt.Sprintf("unknown key %q in %s (allowed: %s)", k.Value, what, strings.Join(allowed, ", "))})
		}
	}
	return probs
}

// Import reads dataset files and imports them with the default options.
func (s *Store) Import(ctx context.Context, files ...File) (ImportResult, error) {
	return s.ImportWith(ctx, ImportOptions{}, files...)
}

// ImportWith reads dataset files and writes them as one version: either
// every record is written, or nothing is, at any size (a large import
// commits in several transactions, published together). A record of a node
// or relation already stored is merged into it: fields and sources the file
// does not mention are kept, unless o.Replace. Records that would not change
// are not written, so importing the same files twice changes nothing.
// Returns EBADINPUT listing every bad record with its position.
func (s *Store) ImportWith(ctx context.Context, o ImportOptions, files ...File) (ImportResult, error) {
	if err := s.checkFree(files...); err != nil {
		return ImportResult{}, err
	}
	var p parsed
	var probs []Problem
	for _, f := range files {
		probs = append(probs, parseFile(f, &p)...)
	}
	var plan []plannedRecord
	err := s.view(ctx, func(txn *badger.Txn) error {
		probs = append(probs, checkReferences(txn, &p)...)
		var planProbs []Problem
		plan, planProbs = planImport(txn, &p, o.Replace)
		probs = append(probs, planProbs...)
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	if len(probs) > 0 {
		return ImportResult{}, importError(probs)
	}
	if o.Actor == "" {
		o.Actor = "import"
	}
	res := planResult(plan)
	if o.DryRun || !res.Changed() {
		return res, nil
	}
	v, err := s.staged(ctx, func(st *stage) error { return writePlan(st, plan, o, &res) })
	if err != nil {
		return ImportResult{}, err
	}
	res.Version = v
	// A territory's type may have changed: the index files it by type.
	return res, s.rebuildGeoIndex(context.WithoutCancel(ctx))
}

func importError(probs []Problem) error {
	lines := make([]string, len(probs))
	for i, p := range probs {
		lines[i] = p.String()
	}
	return problemsError("the dataset has", lines)
}

// checkReferences checks what needs the whole import and the store: unique
// ids and relations, endpoints and cited sources that exist.
func checkReferences(txn *badger.Txn, p *parsed) []Problem {
	var probs []Problem
	kinds := map[string]domain.Kind{}
	for _, n := range p.nodes {
		if _, dup := kinds[n.rec.ID]; dup {
			probs = append(probs, problem(n.at, "duplicate node id %q", n.rec.ID))
		}
		kinds[n.rec.ID] = n.rec.Kind
	}
	kindOf := func(id string) (domain.Kind, bool) {
		if k, ok := kinds[id]; ok {
			return k, true
		}
		var n domain.Node
		if getNode(txn, id, &n) != nil {
			return "", false
		}
		kinds[id] = n.Kind
		return n.Kind, true
	}
	checkSources := func(at Problem, cs []domain.Citation) {
		for _, c := range cs {
			if k, ok := kindOf(c.Source); !ok || k != "source" {
				probs = append(probs, problem(at, "cited source %q is not a node of kind source", c.Source))
			}
		}
	}
	for _, n := range p.nodes {
		checkSources(n.at, n.rec.Sources)
	}
	seen := map[string]bool{}
	for _, r := range p.relations {
		what := func(string) string { return fmt.Sprintf("relation %s %s -> %s", r.rec.Kind, r.rec.From, r.rec.To) }
		for _, msg := range relationProblems(r.rec, kindOf, what) {
			probs = append(probs, problem(r.at, "%s", msg))
		}
		out, _ := edgeKeys(r.rec)
		if seen[string(out)] {
			probs = append(probs, problem(r.at, "duplicate relation %s %s -> %s from %q on behalf of %q", r.rec.Kind, r.rec.From, r.rec.To, r.rec.ValidFrom, r.rec.OnBehalfOf))
		}
		seen[string(out)] = true
		checkSources(r.at, r.rec.Sources)
	}
	return probs
}

func problem(at Problem, format string, args ...any) Problem {
	at.Message = fmt.Sprintf(format, args...)
	return at
}

// Export returns the whole graph as one dataset file: nodes by kind then id,
// relations in key order. Importing it into an empty store gives the same graph.
func (s *Store) Export(ctx context.Context) ([]byte, error) {
	var ds Dataset
	for _, k := range domain.Kinds {
		nodes, err := s.NodesOfKind(ctx, k.Kind)
		if err != nil {
			return nil, err
		}
		ds.Nodes = append(ds.Nodes, nodes...)
	}
	rels, err := s.AllRelations(ctx)
	if err != nil {
		return nil, err
	}
	ds.Relations = rels
	var buf bytes.Buffer
	buf.WriteString("# cccs-graph dataset export (format: docs/dataset.md)\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&ds); err != nil {
		return nil, err
	}
	return buf.Bytes(), enc.Close()
}
