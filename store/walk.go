package store

import (
	"context"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// Limits of graph walks: a neighbourhood or a path is read in one request,
// so its size is bounded whatever the graph.
const (
	MaxWalkDepth         = 3      // hops of a neighbourhood
	MaxPathDepth         = 6      // relations of a shortest path
	MaxSubgraphNodes     = 500    // nodes of a neighbourhood; more are cut and Truncated set
	MaxSubgraphRelations = 1000   // relations of a neighbourhood; likewise
	maxPathVisits        = 100000 // nodes a path search may reach before it gives up
)

// Walk says which relations a walk follows: of some kinds (all when empty),
// in a direction (both when zero), in force during AsOf (any time when zero)
// between two nodes that exist then (see Node.Lifetime).
type Walk struct {
	Kinds []domain.RelKind
	Dir   domain.Direction
	AsOf  domain.Date
}

// Subgraph is a neighbourhood: nodes in the order they were reached (the
// root first) with their distance from the root, and every relation the walk
// could follow between two of them.
type Subgraph struct {
	Nodes     []*domain.Node
	Depths    []int
	Relations []*domain.Relation
	Truncated bool // a cap cut the subgraph
}

// Path is a chain of relations from one node to another. Relations keep
// their own direction: Relations[i] joins Nodes[i] and Nodes[i+1], either way.
type Path struct {
	Nodes     []*domain.Node
	Relations []*domain.Relation
}

// Neighborhood returns the nodes within depth relations of id and the
// relations between them. Returns EBADINPUT for a depth outside 0 to
// MaxWalkDepth or an unknown relation kind, ENOTFOUND for an unknown id. A
// root that does not exist at w.AsOf has an empty neighbourhood.
func (s *Store) Neighborhood(ctx context.Context, id string, depth int, w Walk) (*Subgraph, error) {
	if depth < 0 || depth > MaxWalkDepth {
		return nil, domain.Errorf(domain.EBADINPUT, "depth takes 0 to %d, not %d", MaxWalkDepth, depth)
	}
	g := &Subgraph{Nodes: []*domain.Node{}, Depths: []int{}, Relations: []*domain.Relation{}}
	err := s.view(ctx, func(txn *badger.Txn) error {
		wk := s.newWalker(ctx, txn, w)
		defer wk.close()
		root, alive, err := wk.root(id)
		if err != nil || !alive {
			return err
		}
		return wk.neighborhood(root, depth, g)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// ShortestPath returns a shortest chain of at most maxDepth relations from
// one node to another, and false when there is none (that is an answer, not
// an error). Among paths of equal length it takes the first found in key
// order, so the answer is stable. Returns EBADINPUT for a maxDepth outside 0
// to MaxPathDepth, an unknown relation kind or a search that reaches too many
// nodes, ENOTFOUND when either id is unknown.
func (s *Store) ShortestPath(ctx context.Context, from, to string, maxDepth int, w Walk) (*Path, bool, error) {
	if maxDepth < 0 || maxDepth > MaxPathDepth {
		return nil, false, domain.Errorf(domain.EBADINPUT, "maxDepth takes 0 to %d, not %d", MaxPathDepth, maxDepth)
	}
	var p *Path
	found := false
	err := s.view(ctx, func(txn *badger.Txn) error {
		wk := s.newWalker(ctx, txn, w)
		defer wk.close()
		src, srcAlive, err := wk.root(from)
		if err != nil {
			return err
		}
		_, dstAlive, err := wk.root(to)
		if err != nil || !srcAlive || !dstAlive {
			return err
		}
		p, found, err = wk.path(src, to, maxDepth)
		return err
	})
	return p, found, err
}

// walker reads relations for one walk, in one transaction, remembering the
// nodes and relations it has read.
type walker struct {
	ctx   context.Context // the request's: its deadline stops the walk
	s     *Store          // its nodes come through the read cache
	txn   *badger.Txn
	w     Walk
	nodes map[string]*domain.Node // nil for a node that does not exist during w.AsOf
	steps map[string][]*domain.Relation
	sc    *edgeScanner // one iterator, sought to each node's edges in turn
}

func (s *Store) newWalker(ctx context.Context, txn *badger.Txn, w Walk) *walker {
	if w.Dir == 0 {
		w.Dir = domain.Both
	}
	sc := s.cachedScanner(txn)
	sc.ctx = ctx
	return &walker{ctx: ctx, s: s, txn: txn, w: w, nodes: map[string]*domain.Node{}, steps: map[string][]*domain.Relation{}, sc: sc}
}

func (wk *walker) close() { wk.sc.close() }

// root reads a node the caller named. Returns ENOTFOUND when it is unknown.
func (wk *walker) root(id string) (*domain.Node, bool, error) {
	n, err := wk.s.node(wk.txn, id)
	if err != nil {
		return nil, false, err
	}
	alive := n.ExistsDuring(wk.w.AsOf)
	if alive {
		wk.nodes[id] = n
	}
	return n, alive, nil
}

// alive returns the node with id, or nil when it is unknown or does not
// exist during the walk's date (a relation to it is then not followed).
func (wk *walker) alive(id string) (*domain.Node, error) {
	if n, ok := wk.nodes[id]; ok {
		return n, nil
	}
	n, err := wk.s.node(wk.txn, id)
	if err != nil && domain.ErrorCode(err) != domain.ENOTFOUND {
		return nil, err
	}
	if err != nil || !n.ExistsDuring(wk.w.AsOf) {
		wk.nodes[id] = nil
		return nil, nil
	}
	wk.nodes[id] = n
	return n, nil
}

// step returns the relations the walk may follow from id: of its kinds, in
// its direction, in force during its date, to a node that exists then.
func (wk *walker) step(id string) ([]*domain.Relation, error) {
	if rels, ok := wk.steps[id]; ok {
		return rels, nil
	}
	if err := scanDone(wk.ctx, len(wk.steps)); err != nil {
		return nil, err
	}
	all, err := wk.sc.relations(RelQuery{ID: id, Dir: wk.w.Dir, Kinds: wk.w.Kinds, AsOf: wk.w.AsOf}, nil)
	if err != nil {
		return nil, err
	}
	kept := all[:0]
	for _, r := range all {
		n, err := wk.alive(otherEnd(r, id))
		if err != nil {
			return nil, err
		}
		if n != nil {
			kept = append(kept, r)
		}
	}
	wk.steps[id] = kept
	return kept, nil
}

// otherEnd is the node a relation leads to from id.
func otherEnd(r *domain.Relation, id string) string {
	if r.From == id {
		return r.To
	}
	return r.From
}

// neighborhood walks breadth first from root, then adds the relations
// between the nodes reached.
func (wk *walker) neighborhood(root *domain.Node, depth int, g *Subgraph) error {
	reached := map[string]bool{root.ID: true}
	g.Nodes, g.Depths = append(g.Nodes, root), append(g.Depths, 0)
	frontier := []string{root.ID}
	for d := 1; d <= depth && len(frontier) > 0; d++ {
		var next []string
		for _, id := range frontier {
			err := wk.stepReaching(id, g, reached, func(other string) {
				g.Nodes, g.Depths = append(g.Nodes, wk.nodes[other]), append(g.Depths, d)
				next = append(next, other)
			})
			if err != nil {
				return err
			}
		}
		frontier = next
	}
	return wk.relationsAmong(g, reached)
}

// stepReaching is step for a neighbourhood: it walks id's relations in
// key order and calls reach with each node they reach first, until g is
// full (then Truncated). From then on no new node can join, so what is
// left to read of id is what relationsAmong takes from its steps: its
// relations out to reached nodes. The others are not decoded, and the
// scan of its in-edges stops: the relations of a node with many (a
// département with a hundred times the facilities) cost no more than the
// subgraph holds. A node's edges come from the read cache when it keeps
// them (not a hub's), else from the iterator.
func (wk *walker) stepReaching(id string, g *Subgraph, reached map[string]bool, reach func(other string)) error {
	if err := scanDone(wk.ctx, len(wk.steps)); err != nil {
		return err
	}
	var kept []*domain.Relation
	pre := func(dir domain.Direction, other []byte) (keep, stop bool) {
		if !g.Truncated {
			return true, false
		}
		return dir == domain.Out && reached[string(other)], dir == domain.In
	}
	visit := func(r *domain.Relation) error {
		other := otherEnd(r, id)
		n, err := wk.alive(other)
		if err != nil || n == nil {
			return err
		}
		kept = append(kept, r)
		switch {
		case reached[other]:
		case len(g.Nodes) == MaxSubgraphNodes:
			g.Truncated = true
		default:
			reached[other] = true
			reach(other)
		}
		return nil
	}
	q := RelQuery{ID: id, Dir: wk.w.Dir, Kinds: wk.w.Kinds, AsOf: wk.w.AsOf}
	l, err := wk.sc.edges(id)
	switch {
	case err != nil:
	case l != nil && !l.big:
		err = l.each(q, pre, visit)
	default:
		err = wk.sc.prefixes(q, func(dir domain.Direction, prefix []byte) (bool, error) {
			err := wk.sc.each(prefix, q.AsOf, func(other []byte) (bool, bool) { return pre(dir, other) }, visit)
			return !(g.Truncated && dir == domain.In), err
		})
	}
	wk.steps[id] = kept
	return err
}

// relationsAmong adds to g the relations the walk may follow between two
// reached nodes, in the order of the nodes. Each is read once, from its From
// end (reached too). The nodes of the last level were never stepped from:
// their relations are read by key, and only those to reached nodes decoded.
func (wk *walker) relationsAmong(g *Subgraph, reached map[string]bool) error {
	for _, n := range g.Nodes {
		rels, stepped := wk.steps[n.ID]
		if !stepped || wk.w.Dir == domain.In { // a walk inwards has no out edges in steps
			var err error
			q := RelQuery{ID: n.ID, Dir: domain.Out, Kinds: wk.w.Kinds, AsOf: wk.w.AsOf}
			if rels, err = wk.sc.relations(q, func(other []byte) bool { return reached[string(other)] }); err != nil {
				return err
			}
		}
		for _, r := range rels {
			if r.From != n.ID || !reached[r.To] {
				continue
			}
			if len(g.Relations) == MaxSubgraphRelations {
				g.Truncated = true
				return nil
			}
			g.Relations = append(g.Relations, r)
		}
	}
	return nil
}

// path walks breadth first from src until it reaches dst; false when it
// does not within maxDepth.
func (wk *walker) path(src *domain.Node, dst string, maxDepth int) (*Path, bool, error) {
	if src.ID == dst {
		return &Path{Nodes: []*domain.Node{src}, Relations: []*domain.Relation{}}, true, nil
	}
	via := map[string]*domain.Relation{src.ID: nil}
	frontier := []string{src.ID}
	for d := 1; d <= maxDepth && len(frontier) > 0; d++ {
		var next []string
		for _, id := range frontier {
			rels, err := wk.step(id)
			if err != nil {
				return nil, false, err
			}
			for _, r := range rels {
				other := otherEnd(r, id)
				if _, seen := via[other]; seen {
					continue
				}
				via[other] = r
				if other == dst {
					return wk.unwind(src.ID, dst, via), true, nil
				}
				if len(via) > maxPathVisits {
					return nil, false, domain.Errorf(domain.EBADINPUT, "the path search reached more than %d nodes: narrow it with kinds, asOf or a smaller maxDepth", maxPathVisits)
				}
				next = append(next, other)
			}
		}
		frontier = next
	}
	return nil, false, nil
}

// unwind follows the relations that reached dst back to src.
func (wk *walker) unwind(src, dst string, via map[string]*domain.Relation) *Path {
	var nodes []*domain.Node
	var rels []*domain.Relation
	for id := dst; id != src; {
		r := via[id]
		nodes, rels = append(nodes, wk.nodes[id]), append(rels, r)
		id = otherEnd(r, id)
	}
	nodes = append(nodes, wk.nodes[src])
	slices.Reverse(nodes)
	slices.Reverse(rels)
	return &Path{Nodes: nodes, Relations: rels}
}
