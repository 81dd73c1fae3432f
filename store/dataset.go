package store

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"gopkg.in/yaml.v3"

	"github.com/cccs13/cccs-graph/domain"
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

// ImportResult counts what an import changed.
type ImportResult struct {
	NodesWritten, NodesUnchanged         int
	RelationsWritten, RelationsUnchanged int
}

// Changed reports whether the import wrote anything.
func (r ImportResult) Changed() bool { return r.NodesWritten+r.RelationsWritten > 0 }

var (
	topKeys      = []string{"nodes", "relations"}
	nodeKeys     = []string{"id", "kind", "name", "shortName", "aliases", "fields", "sources"}
	relationKeys = []string{"kind", "from", "to", "validFrom", "validTo", "role", "onBehalfOf", "note", "sources"}
	citationKeys = []string{"source", "excerpt"}
)

// located is a record with the place it was read from.
type located[T any] struct {
	rec T
	at  Problem // File and Line; Message unused
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
				n, ps := parseRecord[domain.Node](f.Name, item, nodeKeys, "node")
				probs = append(probs, ps...)
				if n != nil {
					into.nodes = append(into.nodes, located[*domain.Node]{n, at})
				}
			} else {
				r, ps := parseRecord[domain.Relation](f.Name, item, relationKeys, "relation")
				probs = append(probs, ps...)
				if r != nil {
					into.relations = append(into.relations, located[*domain.Relation]{r, at})
				}
			}
		}
	}
	return probs
}

type validator interface{ Validate() error }

// parseRecord decodes and validates one list item, with its unknown keys.
func parseRecord[T any, PT interface {
	*T
	validator
}](file string, item *yaml.Node, keys []string, what string) (*T, []Problem) {
	if item.Kind != yaml.MappingNode {
		return nil, []Problem{{file, item.Line, what + " must be a mapping"}}
	}
	probs := checkKeys(file, item, keys, what)
	for i := 0; i+1 < len(item.Content); i += 2 {
		if item.Content[i].Value == "sources" {
			for _, c := range item.Content[i+1].Content {
				probs = append(probs, checkKeys(file, c, citationKeys, "citation")...)
			}
		}
	}
	var rec T
	if err := item.Decode(&rec); err != nil {
		return nil, append(probs, Problem{file, item.Line, what + ": " + strings.TrimPrefix(err.Error(), "yaml: ")})
	}
	if err := PT(&rec).Validate(); err != nil {
		return nil, append(probs, Problem{file, item.Line, err.Error()})
	}
	if len(probs) > 0 {
		return nil, probs
	}
	return &rec, nil
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

// Import reads dataset files and writes them in one transaction: either every
// record is written, or nothing is. Records that are already stored as they
// are do not count as writes, so importing the same files twice changes
// nothing. Returns EBADINPUT listing every bad record with its position.
func (s *Store) Import(ctx context.Context, files ...File) (ImportResult, error) {
	if err := s.checkFree(files...); err != nil {
		return ImportResult{}, err
	}
	var p parsed
	var probs []Problem
	for _, f := range files {
		probs = append(probs, parseFile(f, &p)...)
	}
	var res ImportResult
	err := s.update(ctx, func(txn *badger.Txn) error {
		res = ImportResult{}
		probs := append(probs, checkReferences(txn, &p)...)
		if len(probs) > 0 {
			return importError(probs)
		}
		return writeParsed(txn, &p, &res)
	})
	if err == nil && res.Changed() {
		// A territory's type may have changed: the index files it by type.
		err = s.rebuildGeoIndex(context.WithoutCancel(ctx))
	}
	return res, err
}

func importError(probs []Problem) error {
	lines := make([]string, len(probs))
	for i, p := range probs {
		lines[i] = p.String()
	}
	return domain.Errorf(domain.EBADINPUT, "the dataset has %d problem(s), nothing was imported:\n%s", len(probs), strings.Join(lines, "\n"))
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
			if k, ok := kindOf(c.Source); !ok || k != domain.KindSource {
				probs = append(probs, problem(at, "cited source %q is not a node of kind source", c.Source))
			}
		}
	}
	for _, n := range p.nodes {
		checkSources(n.at, n.rec.Sources)
	}
	seen := map[string]bool{}
	for _, r := range p.relations {
		for _, id := range []string{r.rec.From, r.rec.To, r.rec.OnBehalfOf} {
			if _, ok := kindOf(id); id != "" && !ok {
				probs = append(probs, problem(r.at, "relation %s %s -> %s: unknown node %q", r.rec.Kind, r.rec.From, r.rec.To, id))
			}
		}
		from, okFrom := kindOf(r.rec.From)
		to, okTo := kindOf(r.rec.To)
		if ok, rule := domain.EndsAllowed(r.rec.Kind, from, to); okFrom && okTo && !ok {
			probs = append(probs, problem(r.at, "relation %s %s (%s) -> %s (%s): %s", r.rec.Kind, r.rec.From, from, r.rec.To, to, rule))
		}
		if k, ok := kindOf(r.rec.OnBehalfOf); r.rec.OnBehalfOf != "" && ok && k != domain.KindOrganization {
			probs = append(probs, problem(r.at, "relation %s %s -> %s: onBehalfOf %s is a %s, not an organization", r.rec.Kind, r.rec.From, r.rec.To, r.rec.OnBehalfOf, k))
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

func writeParsed(txn *badger.Txn, p *parsed, res *ImportResult) error {
	for _, n := range p.nodes {
		changed, err := putNode(txn, n.rec)
		if err != nil {
			return err
		}
		count(changed, &res.NodesWritten, &res.NodesUnchanged)
	}
	for _, r := range p.relations {
		changed, err := putRelation(txn, r.rec)
		if err != nil {
			return err
		}
		count(changed, &res.RelationsWritten, &res.RelationsUnchanged)
	}
	if res.Changed() {
		return bumpDataVersion(txn)
	}
	return nil
}

func count(changed bool, written, unchanged *int) {
	if changed {
		*written++
	} else {
		*unchanged++
	}
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
