package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// Layer is a GeoJSON layer to import as territories of one type.
type Layer struct {
	Kind   string // territory type (TerritoryTypes): commune, zone-de-vie-sociale, ...
	File   File   // name (for messages and the source node) and GeoJSON content
	Source string // id of an existing source node to cite; "" creates the node layer-<kind>-<file name>
}

// LayerResult counts what a layer import changed.
type LayerResult struct {
	Features                    int
	Created, Updated, Unchanged int // territory nodes
	GeometriesWritten           int
	RelationsWritten            int  // part-of and serves relations added
	SourceWritten               bool // the layer's source node was created or updated
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
// Polygons and MultiPolygons in WGS84) as territories of l.Kind, in one
// transaction. Features join the existing territory of that type with the same
// code (never the name); the others become new territories. Each gets its
// geometry, bbox and centroid, a citation of the layer's source and, where the
// code or the `commune` property says, a part-of relation to the territory it
// lies in. Importing the same layer twice writes nothing.
//
// Returns EBADINPUT listing every problem of every feature (nothing is
// written then), or when the layer is too large for one transaction.
func (s *Store) ImportLayer(ctx context.Context, l Layer) (LayerResult, error) {
	if !slices.Contains(domain.TerritoryTypes, l.Kind) {
		return LayerResult{}, domain.Errorf(domain.EBADINPUT, "unknown territory type %q: one of %s", l.Kind, strings.Join(domain.TerritoryTypes, ", "))
	}
	if err := s.checkFree(l.File); err != nil {
		return LayerResult{}, err
	}
	feats, probs := parseLayer(l.Kind, l.File.Data)
	var res LayerResult
	err := s.update(ctx, func(txn *badger.Txn) error {
		res = LayerResult{Features: len(feats)}
		source, create, srcProbs := layerSource(txn, l, len(feats))
		plans, planProbs := planLayer(txn, l.Kind, feats)
		if all := slices.Concat(probs, srcProbs, planProbs); len(all) > 0 {
			return layerError(l.File.Name, all)
		}
		if create {
			changed, err := putNode(txn, source)
			if err != nil {
				return err
			}
			res.SourceWritten = changed
		}
		return writeLayer(txn, source.ID, plans, &res)
	})
	if errors.Is(err, badger.ErrTxnTooBig) {
		return LayerResult{}, domain.Errorf(domain.EBADINPUT, "%s: the layer is too large to import in one transaction; split it, for example by département (ogr2ogr -where \"code LIKE '13%%'\" part.geojson %s)", l.File.Name, l.File.Name)
	}
	if err != nil {
		return LayerResult{}, err
	}
	if res.Changed() {
		err = s.rebuildGeoIndex(context.WithoutCancel(ctx))
	}
	return res, err
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
		if err := getNode(txn, l.Source, &n); err != nil || n.Kind != domain.KindSource {
			return nil, false, []string{fmt.Sprintf("source %q is not a node of kind source", l.Source)}
		}
		return &n, false, nil
	}
	base := filepath.Base(l.File.Name)
	id := slugID("layer-" + l.Kind + "-" + strings.TrimSuffix(base, filepath.Ext(base)))
	return &domain.Node{
		ID:   id,
		Kind: domain.KindSource,
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
		if getNode(txn, id, &n) != nil || n.Kind != domain.KindFacility {
			fp.add("facility %q is not a node of kind facility", id)
		}
	}
	return p, len(*fp.probs) == before
}

// territoryByCode finds the territory of a type with a code through the code
// index. Returns ENOTFOUND when there is none, ECONFLICT when there are two.
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
func writeLayer(txn *badger.Txn, source string, plans []planned, res *LayerResult) error {
	for _, p := range plans {
		if err := writeFeature(txn, source, p, res); err != nil {
			return err
		}
	}
	if res.Changed() {
		return bumpDataVersion(txn)
	}
	return nil
}

func writeFeature(txn *badger.Txn, source string, p planned, res *LayerResult) error {
	cite := []domain.Citation{{Source: source, Excerpt: p.f.excerpt}}
	changed, err := putNode(txn, territoryNode(p, cite[0]))
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
		rels = append(rels, &domain.Relation{Kind: domain.RelPartOf, From: p.id, To: p.parent, Sources: cite})
	}
	for _, fac := range p.f.facilities {
		rels = append(rels, &domain.Relation{Kind: domain.RelServes, From: fac, To: p.id, Sources: cite})
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
	return err
}

// territoryNode is the node a feature writes: the joined territory as it is
// (its name is curated in the dataset and never taken from a layer), citing
// the layer's source once, or a new territory named after `nom`.
func territoryNode(p planned, cite domain.Citation) *domain.Node {
	if p.old == nil {
		return &domain.Node{
			ID: p.id, Kind: domain.KindTerritory, Name: p.f.nom,
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
