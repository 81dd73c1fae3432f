// Package loaders batches the related reads of one GraphQL operation: every
// node or relation list asked for while resolving one level of the answer is
// read from the store in one transaction.
package loaders

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// relKey asks for the relations of one node in one direction, of every kind
// and at any time: callers filter, since a node has few relations.
type relKey struct {
	id  string
	dir domain.Direction
}

// Reader is what the loaders read from the store: nodes, relations and
// geometries by id, in batches. *store.Store is one.
type Reader interface {
	Nodes(ctx context.Context, ids []string) ([]*domain.Node, error)
	Relations(ctx context.Context, qs []store.RelQuery) ([][]*domain.Relation, error)
	RelationsWithEnds(ctx context.Context, qs []store.RelQuery, maxEnds int) ([][]*domain.Relation, map[string]*domain.Node, error)
	RelationPages(ctx context.Context, qs []store.RelPageQuery, maxEnds int) ([]store.Page[*domain.Relation], map[string]*domain.Node, bool, error)
	Geometries(ctx context.Context, ids []string) ([]*store.Geometry, error)
}

// Loaders are created per operation, so nothing is cached across requests
// or across the operations of a long-lived connection. Each answers the
// context's error once it is done, even from its cache: the fields below
// the root stop at the deadline where they read (graph/limits.go).
type Loaders struct {
	fetches    atomic.Int64 // batches read from the store
	store      Reader
	nodes      *dataloadgen.Loader[string, *domain.Node]
	relations  *dataloadgen.Loader[relKey, []*domain.Relation]
	relPages   *dataloadgen.Loader[relPageKey, *relPage]
	geometries *dataloadgen.Loader[string, *store.Geometry]

	mu     sync.Mutex
	primed map[primedKey]bool // what Prime, PrimeGeometries and PrimeNodeIDs read already
}

// primedKey is one id read ahead: its relations, its geometry or its node.
type primedKey struct {
	what byte // 'r', 'g', 'n'
	id   string
}

// unprimed returns the ids not read ahead yet for what, and marks them.
func (l *Loaders) unprimed(what byte, ids []string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.primed == nil {
		l.primed = map[primedKey]bool{}
	}
	out := ids[:0:0]
	for _, id := range ids {
		if k := (primedKey{what, id}); !l.primed[k] {
			l.primed[k] = true
			out = append(out, id)
		}
	}
	return out
}

// Wait is how long a loader gathers keys before it reads: resolvers of one
// level run in parallel goroutines and ask within microseconds of each other,
// but Go's timers and a busy machine make shorter waits split batches.
var Wait = 100 * time.Microsecond

// New returns loaders reading from s.
func New(s Reader) *Loaders {
	l := &Loaders{store: s}
	l.nodes, l.geometries = byID(s.Nodes, &l.fetches), byID(s.Geometries, &l.fetches)
	l.relations = dataloadgen.NewMappedLoader(l.readRelations, dataloadgen.WithWait(Wait))
	l.relPages = dataloadgen.NewMappedLoader(l.readRelationPages, dataloadgen.WithWait(Wait))
	return l
}

// relPageKey asks for one page of a node's relations (store.RelPageQuery
// in a comparable form).
type relPageKey struct {
	id       string
	dir      domain.Direction
	kinds    string // the kinds, each followed by a comma
	asOf     domain.Date
	first    int
	after    string
	hasAfter bool
	order    string
	count    bool
}

// relPage is a page of relations, or none when the store's relation order
// does not cover the version read.
type relPage struct {
	page    store.Page[*domain.Relation]
	covered bool
}

func pageKey(q store.RelPageQuery) relPageKey {
	k := relPageKey{id: q.ID, dir: q.Dir, asOf: q.AsOf, first: -1, order: q.Args.Order, count: q.Count}
	for _, kind := range q.Kinds {
		k.kinds += string(kind) + ","
	}
	if q.Args.First != nil {
		k.first = *q.Args.First
	}
	if q.Args.After != nil {
		k.after, k.hasAfter = *q.Args.After, true
	}
	return k
}

func (k relPageKey) query() store.RelPageQuery {
	q := store.RelPageQuery{ID: k.id, Dir: k.dir, AsOf: k.asOf, Count: k.count, Args: store.PageArgs{Order: k.order}}
	for _, kind := range strings.Split(strings.TrimSuffix(k.kinds, ","), ",") {
		if kind != "" {
			q.Kinds = append(q.Kinds, domain.RelKind(kind))
		}
	}
	if k.first >= 0 {
		first := k.first
		q.Args.First = &first
	}
	if k.hasAfter {
		after := k.after
		q.Args.After = &after
	}
	return q
}

// readRelationPages reads a batch of relation pages with the nodes at
// their ends in one store read, and primes the node loader with those.
func (l *Loaders) readRelationPages(ctx context.Context, keys []relPageKey) (map[relPageKey]*relPage, error) {
	l.fetches.Add(1)
	qs := make([]store.RelPageQuery, len(keys))
	for i, k := range keys {
		qs[i] = k.query()
	}
	pages, ends, covered, err := l.store.RelationPages(ctx, qs, primeEnds)
	if err != nil {
		return nil, err
	}
	for id, n := range ends {
		l.nodes.Prime(id, n)
	}
	m := make(map[relPageKey]*relPage, len(keys))
	for i, k := range keys {
		m[k] = &relPage{covered: covered}
		if covered {
			m[k].page = pages[i]
		}
	}
	return m, nil
}

// PrimeRelationPages reads these pages with the nodes at their ends in one
// store read and fills the caches, with no batch to wait for: a sequential
// walk of a list (the planner's) then finds every element's page at once.
func (l *Loaders) PrimeRelationPages(ctx context.Context, qs []store.RelPageQuery) error {
	keys := make([]relPageKey, 0, len(qs))
	for _, q := range qs {
		keys = append(keys, pageKey(q))
	}
	m, err := l.readRelationPages(ctx, keys)
	if err != nil {
		return err
	}
	for k, p := range m {
		l.relPages.Prime(k, p)
	}
	return nil
}

// RelationPage reads one page of a node's relations in cursor order
// (store.RelationPages), batched with the other pages of the operation's
// level; false when the store cannot read it so (the caller sorts the
// node's relations). The caller checks the cursor first (PageArgs.Check).
func (l *Loaders) RelationPage(ctx context.Context, q store.RelPageQuery) (store.Page[*domain.Relation], bool, error) {
	if err := ctx.Err(); err != nil {
		return store.Page[*domain.Relation]{}, false, err
	}
	p, err := l.relPages.Load(ctx, pageKey(q))
	if err != nil {
		return store.Page[*domain.Relation]{}, false, err
	}
	return p.page, p.covered, nil
}

// readRelations reads a batch of relation lists with the nodes at their ends
// in one store read, and primes the node loader with those: the `from` and
// `to` of the relations then resolve at once, with no batch of their own to
// wait for.
func (l *Loaders) readRelations(ctx context.Context, keys []relKey) (map[relKey][]*domain.Relation, error) {
	l.fetches.Add(1)
	qs := make([]store.RelQuery, len(keys))
	for i, k := range keys {
		qs[i] = store.RelQuery{ID: k.id, Dir: k.dir}
	}
	rels, ends, err := l.store.RelationsWithEnds(ctx, qs, primeEnds)
	if err != nil {
		return nil, err
	}
	for id, n := range ends {
		l.nodes.Prime(id, n)
	}
	m := make(map[relKey][]*domain.Relation, len(keys))
	for i, k := range keys {
		m[k] = rels[i]
	}
	return m, nil
}

// byID is a loader of values by id, from a batch read that returns them in
// the order of the ids with nil where there is none; fetches counts its reads.
func byID[T any](read func(ctx context.Context, ids []string) ([]*T, error), fetches *atomic.Int64) *dataloadgen.Loader[string, *T] {
	return dataloadgen.NewMappedLoader(func(ctx context.Context, ids []string) (map[string]*T, error) {
		fetches.Add(1)
		vs, err := read(ctx, ids)
		if err != nil {
			return nil, err
		}
		m := make(map[string]*T, len(ids))
		for i, v := range vs {
			if v != nil {
				m[ids[i]] = v
			}
		}
		return m, nil
	}, dataloadgen.WithWait(Wait))
}

type ctxKey struct{}

// With returns a context carrying l.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the loaders of the operation in ctx. It panics when there are
// none: that is a wiring bug, caught by every test.
func For(ctx context.Context) *Loaders {
	return ctx.Value(ctxKey{}).(*Loaders)
}

// Of returns the loaders in ctx, if there are.
func Of(ctx context.Context) (*Loaders, bool) {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	return l, ok
}

// Fetches is the number of batches the loaders have read from the store so
// far: a resolver after which it moved waited for one.
func (l *Loaders) Fetches() int64 { return l.fetches.Load() }

// Node returns the node with id, nil if there is none.
func (l *Loaders) Node(ctx context.Context, id string) (*domain.Node, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n, err := l.nodes.Load(ctx, id)
	if isMissing(err) {
		return nil, nil
	}
	return n, err
}

// Nodes returns the nodes with these ids in order, nil where unknown.
func (l *Loaders) Nodes(ctx context.Context, ids []string) ([]*domain.Node, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	nodes, err := l.nodes.LoadAll(ctx, ids)
	var errs dataloadgen.ErrorSlice
	if errors.As(err, &errs) {
		for _, e := range errs {
			if e != nil && !isMissing(e) {
				return nil, e
			}
		}
		err = nil
	}
	return nodes, err
}

// isMissing reports whether a loader found no value for a key.
func isMissing(err error) bool { return errors.Is(err, dataloadgen.ErrNotFound) }

// primeEnds caps the related nodes read ahead for one page, and
// primeRelations the relations of one node: a node with more (a commune
// with a hundred centres) is not primed, its fields read what they need.
const (
	primeEnds      = 2000
	primeRelations = 200
)

// Prime reads the relations of the given nodes (up to primeRelations a
// node: one with more is left to the fields that ask), and the nodes at
// their other ends, in one store read, and fills the caches: the fields of
// a page of nodes then find their related objects at once, with no batch
// to wait for, and the store reads of a page do not grow with its length.
//
// An id whose relations were read ahead in this operation is not read again.
func (l *Loaders) Prime(ctx context.Context, ids []string) error {
	ids = l.unprimed('r', ids)
	if len(ids) == 0 {
		return nil
	}
	qs := make([]store.RelQuery, len(ids))
	for i, id := range ids {
		qs[i] = store.RelQuery{ID: id, Dir: domain.Both, Limit: primeRelations}
	}
	rels, ends, err := l.store.RelationsWithEnds(ctx, qs, primeEnds)
	if err != nil {
		return err
	}
	for id, n := range ends {
		l.nodes.Prime(id, n)
	}
	for i, id := range ids {
		if len(rels[i]) > primeRelations {
			continue // more than a page's worth: read when asked
		}
		out, in := []*domain.Relation{}, []*domain.Relation{}
		for _, r := range rels[i] {
			if r.From == id {
				out = append(out, r)
			} else {
				in = append(in, r)
			}
		}
		l.relations.Prime(relKey{id, domain.Out}, out)
		l.relations.Prime(relKey{id, domain.In}, in)
	}
	return nil
}

// PrimeNodes fills the node cache with nodes already read (a walk's), so
// the relations between them find their ends at once.
func (l *Loaders) PrimeNodes(nodes []*domain.Node) {
	for _, n := range nodes {
		l.nodes.Prime(n.ID, n)
	}
}

// Relations returns id's relations in a direction (Out or In), of one kind
// or of every kind when kind is "", at any time.
func (l *Loaders) Relations(ctx context.Context, id string, dir domain.Direction, kind domain.RelKind) ([]*domain.Relation, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rels, err := l.relations.Load(ctx, relKey{id, dir})
	if isMissing(err) || err != nil || kind == "" {
		return rels, ignoreMissing(err)
	}
	var out []*domain.Relation
	for _, r := range rels {
		if r.Kind == kind {
			out = append(out, r)
		}
	}
	return out, nil
}

func ignoreMissing(err error) error {
	if isMissing(err) {
		return nil
	}
	return err
}

// Geometry returns the geometry of territory id, nil if it has none.
func (l *Loaders) Geometry(ctx context.Context, id string) (*store.Geometry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	g, err := l.geometries.Load(ctx, id)
	if isMissing(err) {
		return nil, nil
	}
	return g, err
}

// PrimeGeometries reads the geometries of these territories in one store
// read and fills the cache (nil for those with none), so that a sequential
// walk of a list finds them with no batch to wait for.
func (l *Loaders) PrimeGeometries(ctx context.Context, ids []string) error {
	ids = l.unprimed('g', ids)
	if len(ids) == 0 {
		return nil
	}
	gs, err := l.store.Geometries(ctx, ids)
	if err != nil {
		return err
	}
	for i, id := range ids {
		l.geometries.Prime(id, gs[i])
	}
	return nil
}

// PrimeNodeIDs reads these nodes in one store read and fills the node cache.
func (l *Loaders) PrimeNodeIDs(ctx context.Context, ids []string) error {
	ids = l.unprimed('n', ids)
	if len(ids) == 0 {
		return nil
	}
	nodes, err := l.store.Nodes(ctx, ids)
	if err != nil {
		return err
	}
	for i, id := range ids {
		if nodes[i] != nil {
			l.nodes.Prime(id, nodes[i])
		}
	}
	return nil
}
