package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// Layer is a GeoJSON layer to import as territories of one type.
type Layer struct {
	Kind   string // territory type (domain.TerritoryTypes): commune, zone-de-vie-sociale, ...
	File   File   // name (for messages and the source node) and GeoJSON content
	Source string // id of an existing source node to cite; "" creates the node layer-<kind>-<file name>
	Actor  string // recorded in the history; "import" when empty
	DryRun bool   // count what the import would write, and write nothing
}

// LayerResult counts what a layer import changed.
type LayerResult struct {
	Features          int  `json:"features"`
	Created           int  `json:"created"` // territory nodes
	Updated           int  `json:"updated"`
	Unchanged         int  `json:"unchanged"`
	GeometriesWritten int  `json:"geometriesWritten"`
	RelationsWritten  int  `json:"relationsWritten"` // part-of and serves relations added
	SourceWritten     bool `json:"sourceWritten"`    // the layer's source node was created or updated
}

// Changed reports whether the import wrote anything.
func (r LayerResult) Changed() bool {
	return r.Created+r.Updated+r.GeometriesWritten+r.RelationsWritten > 0 || r.SourceWritten
}

// territoryIDPrefixes give the id of a territory a layer creates: the prefix,
// '-', and the code made an id ("insee-13055", "zvs-13055-nord").
var territoryIDPrefixes = map[string]string{
	"departement": "fr", "arrondissement": "arr", "canton": "canton", "commune": "insee",
	"zone-de-vie-sociale": "zvs", "priority-area": "priority", "itc-territory": "itc", "arrondissement-municipal": "insee",
}

// territoryID is the id a new territory of a kind with a code gets.
func territoryID(kind, code string) string { return slugID(territoryIDPrefixes[kind] + "-" + code) }

// slugID makes an id of s: lower case, runs of other characters as one '-',
// at most 80 characters.
func slugID(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	id := b.String()
	return strings.Trim(id[:min(len(id), 80)], "-")
}

// ImportLayer imports a GeoJSON layer (a FeatureCollection or a Feature of
// Polygons and MultiPolygons in WGS84) as territories of l.Kind, under one
// data version (in as many transactions as it needs). Features join the
// existing territory of that type with the same code (never the name); the
// others become new territories. Each gets its geometry, bbox and centroid,
// a citation of the layer's source and, where the code or the `commune`
// property says, a part-of relation to the territory it lies in. Importing
// the same layer twice writes nothing.
//
// Returns EBADINPUT listing every problem of every feature (nothing is
// written then), or when one feature alone is too large for a transaction.
func (s *Store) ImportLayer(ctx context.Context, l Layer) (LayerResult, error) {
	if !slices.Contains(domain.TerritoryTypes, l.Kind) {
		return LayerResult{}, domain.Errorf(domain.EBADINPUT, "unknown territory type %q: one of %s", l.Kind, strings.Join(domain.TerritoryTypes, ", "))
	}
	if err := s.checkFree(l.File); err != nil {
		return LayerResult{}, err
	}
	feats, probs := parseLayer(l.Kind, l.File.Data)
	var source *domain.Node
	var create bool
	var plans []planned
	err := s.view(ctx, func(txn *badger.Txn) error {
		var srcProbs, planProbs []string
		source, create, srcProbs = layerSource(txn, l, len(feats))
		plans, planProbs = planLayer(txn, l.Kind, feats)
		probs = slices.Concat(probs, srcProbs, planProbs)
		return nil
	})
	if err != nil {
		return LayerResult{}, err
	}
	if len(probs) > 0 {
		return LayerResult{}, layerError(l.File.Name, probs)
	}
	if l.Actor == "" {
		l.Actor = "import"
	}
	res := LayerResult{Features: len(feats)}
	// Staged: a layer of any size is written whole, under one version. A
	// part may run twice (when its transaction fills up), so each keeps its
	// own counts, summed at the end.
	parts := make([]LayerResult, len(plans))
	run := func(fn func(*stage) error) (uint64, error) { return s.staged(ctx, fn) }
	if l.DryRun {
		run = func(fn func(*stage) error) (uint64, error) { return 0, s.dryStaged(ctx, fn) }
	}
	_, err = run(func(st *stage) error {
		v, at := st.Version()
		meta := Meta{Actor: l.Actor, Reason: "layer " + l.Kind + " from " + filepath.Base(l.File.Name)}
		if create {
			if err := st.Add(func(txn *badger.Txn) error {
				wrote, err := putNode(txn, source)
				res.SourceWritten = wrote
				if wrote && err == nil {
					c := layerChange(meta, v, at, 0, OpCreateNode, nil, source)
					err = putChange(txn, c)
				}
				return err
			}, nil); err != nil {
				return err
			}
		}
		for i, p := range plans {
			if err := st.Add(func(txn *badger.Txn) error {
				parts[i] = LayerResult{}
				return writeFeature(txn, source.ID, p, &parts[i], func(after *domain.Node) error {
					op := OpUpdateNode
					if p.old == nil {
						op = OpCreateNode
					}
					return putChange(txn, layerChange(meta, v, at, uint32(i+1), op, p.old, after))
				})
			}, nil); err != nil {
				return err
			}
		}
		for _, part := range parts {
			res.add(part)
		}
		if !res.Changed() {
			return errNothingWritten
		}
		return nil
	})
	if errors.Is(err, errNothingWritten) || err == nil && l.DryRun {
		return res, nil
	}
	if err != nil {
		return LayerResult{}, err
	}
	return res, s.rebuildGeoIndex(context.WithoutCancel(ctx))
}

// errNothingWritten ends a staged write that turned out to change nothing.
var errNothingWritten = errors.New("nothing written")

func (r *LayerResult) add(o LayerResult) {
	r.Created += o.Created
	r.Updated += o.Updated
	r.Unchanged += o.Unchanged
	r.GeometriesWritten += o.GeometriesWritten
	r.RelationsWritten += o.RelationsWritten
}

// layerChange is the change a layer import makes to one territory (or its
// source node).
func layerChange(m Meta, v uint64, at time.Time, seq uint32, op string, before, after *domain.Node) *Change {
	c := &Change{Version: v, Seq: seq, At: at, Actor: m.Actor, Operation: op, Target: Target{TargetNode, after.ID},
		Kinds: []domain.Kind{after.Kind}, After: recordJSON(after, v), Reason: m.Reason, Sources: after.Sources}
	if before != nil {
		c.Before = recordJSON(before, before.Version)
	}
	return c
}

// maxListedProblems bounds the problems an error lists: a layer in the wrong
// projection has one per feature, and the first ones say it all.
const maxListedProblems = 1000

func layerError(file string, probs []string) error {
	return problemsError(file+": the layer has", probs)
}

// problemsError is EBADINPUT listing the problems of a file, at most
// maxListedProblems of them.
func problemsError(what string, probs []string) error {
	listed := probs[:min(len(probs), maxListedProblems)]
	more := ""
	if len(probs) > len(listed) {
		more = fmt.Sprintf("\n... and %d more", len(probs)-len(listed))
	}
	return domain.Errorf(domain.EBADINPUT, "%s %d problem(s), nothing was imported:\n%s%s", what, len(probs), strings.Join(listed, "\n"), more)
}

// layerSource returns the source node the layer's territories cite: l.Source,
// which must exist, or the node describing the file, to be created (create).
func layerSource(txn *badger.Txn, l Layer, features int) (n *domain.Node, create bool, probs []string) {
	if l.Source != "" {
		var n domain.Node
		if err := getNode(txn, l.Source, &n); err != nil || n.Kind != "source" {
			return nil, false, []string{fmt.Sprintf("source %q is not a node of kind source", l.Source)}
		}
		return &n, false, nil
	}
	base := filepath.Base(l.File.Name)
	id := slugID("layer-" + l.Kind + "-" + strings.TrimSuffix(base, filepath.Ext(base)))
	return &domain.Node{
		ID:   id,
		Kind: "source",
		Name: fmt.Sprintf("Couche %s : %s", l.Kind, base),
		Fields: map[string]string{
			"file": base,
			"description": fmt.Sprintf("Couche GeoJSON importée par « cccs-graph import -layer %s » : %d entités. SHA-256 du fichier : %x.",
				l.Kind, features, sha256.Sum256(l.File.Data)),
		},
		Sources: []domain.Citation{{Source: id}},
	}, true, nil
}

// planned is what the import writes for one feature.
type planned struct {
	kind   string
	f      *layerFeature
	id     string
	old    *domain.Node // the territory it joins, nil for a new one
	parent string       // the territory it lies in, "" when none is known
}

// planLayer resolves every feature against the store: the territory it joins
// or the id it creates, its parent, its facilities.
func planLayer(txn *badger.Txn, kind string, feats []*layerFeature) ([]planned, []string) {
	var plans []planned
	var probs []string
	for _, f := range feats {
		fp := &featureProblems{n: f.n, code: f.code, probs: &probs}
		p, ok := planFeature(txn, kind, f, fp)
		if ok {
			plans = append(plans, p)
		}
	}
	return plans, probs
}

func planFeature(txn *badger.Txn, kind string, f *layerFeature, fp *featureProblems) (planned, bool) {
	p := planned{kind: kind, f: f}
	before := len(*fp.probs)
	old, err := territoryByCode(txn, kind, f.code)
	switch {
	case err == nil:
		p.old, p.id = old, old.ID
	case domain.ErrorCode(err) == domain.ENOTFOUND:
		p.id = territoryID(kind, f.code)
		var other domain.Node
		if getNode(txn, p.id, &other) == nil {
			fp.add("the id %s it would get is taken by a %s without this code", p.id, other.Kind)
		}
		if f.nom == "" {
			fp.add("property nom is required for a new territory")
		}
	default:
		fp.add("%s", domain.ErrorMessageDetailed(err))
	}
	p.parent = parentOf(txn, kind, f, fp)
	for _, id := range f.facilities {
		var n domain.Node
		if getNode(txn, id, &n) != nil || n.Kind != "facility" {
			fp.add("facility %q is not a node of kind facility", id)
		}
	}
	return p, len(*fp.probs) == before
}

// territoryByCode finds the territory of a type with a code through the code
// index. Returns domain.ENOTFOUND when there is none, ECONFLICT when there are two.
func territoryByCode(txn *badger.Txn, kind, code string) (*domain.Node, error) {
	kc, _ := kindCode(domain.KindTerritory)
	prefix := codePrefix(kc, code)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	var ids []string
	for it.Rewind(); it.Valid(); it.Next() {
		ids = append(ids, string(it.Item().Key()[len(prefix):]))
	}
	it.Close()
	var found *domain.Node
	for _, id := range ids {
		var n domain.Node
		if err := getNode(txn, id, &n); err != nil {
			return nil, err
		}
		if n.Field("type") != kind {
			continue
		}
		if found != nil {
			return nil, domain.Errorf(domain.ECONFLICT, "two territories of type %s have code %q: %s and %s", kind, code, found.ID, n.ID)
		}
		found = &n
	}
	if found == nil {
		return nil, domain.Errorf(domain.ENOTFOUND, "no %s with code %q", kind, code)
	}
	return found, nil
}

// parentOf finds the territory a feature lies in: the commune it names
// (required for a zone), else the département its code starts with.
func parentOf(txn *badger.Txn, kind string, f *layerFeature, fp *featureProblems) string {
	if f.commune != "" {
		c, err := territoryByCode(txn, "commune", f.commune)
		if err != nil {
			fp.add("commune %q: %s (import the communes first)", f.commune, domain.ErrorMessageDetailed(err))
			return ""
		}
		return c.ID
	}
	switch kind {
	case "commune", "arrondissement", "canton":
		if d, err := territoryByCode(txn, "departement", departementCode(f.code)); err == nil {
			return d.ID
		}
	}
	return ""
}

// departementCode returns the département a commune, arrondissement or
// canton code starts with: three digits overseas (971 to 976), else two
// ("13", "2A").
func departementCode(code string) string {
	if strings.HasPrefix(code, "97") && len(code) > 3 {
		return code[:3]
	}
	return code[:min(len(code), 2)]
}

// writeLayer writes the planned territories, geometries and relations, and
// bumps the data version when anything changed.
func writeFeature(txn *badger.Txn, source string, p planned, res *LayerResult, record func(after *domain.Node) error) error {
	cite := []domain.Citation{{Source: source, Excerpt: p.f.excerpt}}
	after := territoryNode(p, cite[0])
	changed, err := putNode(txn, after)
	if err != nil {
		return err
	}
	switch {
	case p.old == nil:
		res.Created++
	case changed:
		res.Updated++
	default:
		res.Unchanged++
	}
	rels := []*domain.Relation{}
	if p.parent != "" {
		rels = append(rels, &domain.Relation{Kind: "part-of", From: p.id, To: p.parent, Sources: cite})
	}
	for _, fac := range p.f.facilities {
		rels = append(rels, &domain.Relation{Kind: "serves", From: fac, To: p.id, Sources: cite})
	}
	for _, r := range rels {
		added, err := ensureRelation(txn, r)
		if err != nil {
			return err
		}
		if added {
			res.RelationsWritten++
		}
	}
	g, err := newGeometry(p.kind, p.f.geom)
	if err != nil {
		return err
	}
	wrote, err := putGeometry(txn, p.id, g)
	if wrote {
		res.GeometriesWritten++
	}
	if err != nil || !changed && !wrote && res.RelationsWritten == 0 {
		return err
	}
	return record(after)
}

// territoryNode is the node a feature writes: the joined territory as it is
// (its name is curated in the dataset and never taken from a layer), citing
// the layer's source once, or a new territory named after `nom`.
func territoryNode(p planned, cite domain.Citation) *domain.Node {
	if p.old == nil {
		return &domain.Node{
			ID: p.id, Kind: "territory", Name: p.f.nom,
			Fields:  map[string]string{"type": p.kind, "code": p.f.code},
			Sources: []domain.Citation{cite},
		}
	}
	n := *p.old
	if !slices.ContainsFunc(n.Sources, func(c domain.Citation) bool { return c.Source == cite.Source }) {
		n.Sources = append(slices.Clip(n.Sources), cite)
	}
	return &n
}

// ensureRelation adds a relation unless one of the same kind already links
// the same nodes (at any date): a curated relation keeps its own sources.
// Reports whether it wrote.
func ensureRelation(txn *badger.Txn, r *domain.Relation) (bool, error) {
	rk, _ := relKindCode(r.Kind)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: keyWriter(edgePrefix(domain.Out, r.From, rk)).lp(r.To)})
	it.Rewind()
	exists := it.Valid()
	it.Close()
	if exists {
		return false, nil
	}
	return putRelation(txn, r)
}
