package graph

import (
	"context"
	"slices"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
	"github.com/cccs13/cccs-graph/store"
)

// Bounds of one filter, so that a nested filter cannot make a collection
// read the whole graph many times over. The cost analysis prices what is
// left (see filterCost).
const (
	maxFilterDepth      = 5    // levels of and/or/not
	maxFilterParts      = 32   // filters in all, the top one included
	maxRelationFilters  = 8    // relation conditions in one filter
	relationFilterPrice = 1250 // as much as a shortest path: at most 40 in one operation
)

// composite is a collection filter: its own fields, and the and, or, not and
// relation condition every collection filter has.
type composite[F any] interface {
	*F
	Logic() (and, or []*F, not *F, rel *model.RelationFilter)
}

// fieldsOf compiles a filter's own fields (not and/or/not/relation).
type fieldsOf[F any] func(ctx context.Context, f *F) (predicates, error)

// filterCompiler compiles one collection's filter, counting its parts.
type filterCompiler struct {
	r         *Resolver
	kind      domain.Kind
	parts     int
	relations int
}

// compileFilter turns a filter into predicates: its own fields and its
// relation condition, anded with its `and` filters, at least one of its
// `or` filters and not its `not` filter. A nil filter keeps everything.
// Returns BAD_USER_INPUT for a filter nested too deep or too large.
func compileFilter[F any, P composite[F]](ctx context.Context, c *filterCompiler, f *F, fields fieldsOf[F], depth int) (predicates, error) {
	if f == nil {
		return nil, nil
	}
	if c.parts++; depth > maxFilterDepth || c.parts > maxFilterParts {
		return nil, domain.Errorf(domain.EBADINPUT, "a filter nests at most %d levels of and/or/not and holds at most %d filters", maxFilterDepth, maxFilterParts)
	}
	ps, err := fields(ctx, f)
	if err != nil {
		return nil, err
	}
	and, or, not, rel := P(f).Logic()
	sub := func(f *F) (predicates, error) { return compileFilter[F, P](ctx, c, f, fields, depth+1) }
	for _, a := range and {
		q, err := sub(a)
		if err != nil {
			return nil, err
		}
		ps = append(ps, q...)
	}
	if or != nil {
		alts := make([]predicates, len(or))
		for i, o := range or {
			if alts[i], err = sub(o); err != nil {
				return nil, err
			}
		}
		ps = append(ps, func(n *domain.Node) bool {
			return slices.ContainsFunc(alts, func(q predicates) bool { return q.keep(n) })
		})
	}
	if not != nil {
		q, err := sub(not)
		if err != nil {
			return nil, err
		}
		ps = append(ps, func(n *domain.Node) bool { return !q.keep(n) })
	}
	if rel != nil {
		p, err := c.relation(ctx, rel)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// relation compiles a relation condition into the set of the collection's
// nodes that pass it, read from the edge index: from the side of the given
// other ends when there are some (a few prefix scans), else from the side
// of every node of the collection (one prefix scan each, in one read).
func (c *filterCompiler) relation(ctx context.Context, rf *model.RelationFilter) (func(*domain.Node) bool, error) {
	if c.relations++; c.relations > maxRelationFilters {
		return nil, domain.Errorf(domain.EBADINPUT, "a filter holds at most %d relation conditions", maxRelationFilters)
	}
	if err := checkID(rf.Nodes...); err != nil {
		return nil, err
	}
	dir := domain.Both
	if rf.Direction != nil {
		dir = map[model.Direction]domain.Direction{model.DirectionOut: domain.Out, model.DirectionIn: domain.In, model.DirectionBoth: domain.Both}[*rf.Direction]
	}
	var asOf domain.Date
	if rf.AsOf != nil {
		asOf = *rf.AsOf
	}
	var kinds []domain.RelKind
	for _, k := range rf.Kinds {
		kinds = append(kinds, model.StoreRelKind(k))
	}
	fromOthers := rf.Nodes != nil
	var qs []store.RelQuery
	if fromOthers {
		for _, id := range slices.Compact(slices.Sorted(slices.Values(rf.Nodes))) {
			qs = append(qs, store.RelQuery{ID: id, Dir: dir.Reverse(), Kinds: kinds, AsOf: asOf})
		}
	} else {
		all, err := c.r.reader(ctx).NodesOfKind(ctx, c.kind)
		if err != nil {
			return nil, err
		}
		for _, n := range all {
			qs = append(qs, store.RelQuery{ID: n.ID, Dir: dir, Kinds: kinds, AsOf: asOf})
		}
	}
	found, err := c.r.reader(ctx).Relations(ctx, qs)
	if err != nil {
		return nil, err
	}
	var pairs []endPair
	for i, rels := range found {
		for _, r := range rels {
			end := r.From
			if end == qs[i].ID {
				end = r.To
			}
			if fromOthers {
				pairs = append(pairs, endPair{end, qs[i].ID})
			} else {
				pairs = append(pairs, endPair{qs[i].ID, end})
			}
		}
	}
	if rf.NodeKinds != nil {
		if pairs, err = c.otherEndOfKinds(ctx, pairs, rf.NodeKinds); err != nil {
			return nil, err
		}
	}
	pass := make(map[string]bool, len(pairs))
	for _, p := range pairs {
		pass[p.mine] = true
	}
	return func(n *domain.Node) bool { return pass[n.ID] }, nil
}

// endPair is a node of the collection and the other end of one of its relations.
type endPair struct{ mine, other string }

// otherEndOfKinds keeps the pairs whose other end is of one of the kinds.
func (c *filterCompiler) otherEndOfKinds(ctx context.Context, pairs []endPair, kinds []model.NodeKind) ([]endPair, error) {
	ids := make([]string, len(pairs))
	for i, p := range pairs {
		ids[i] = p.other
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	nodes, err := c.r.reader(ctx).Nodes(ctx, ids)
	if err != nil {
		return nil, err
	}
	want := map[domain.Kind]bool{}
	for _, k := range kinds {
		want[model.StoreKind(k)] = true
	}
	ofKind := map[string]bool{}
	for _, n := range nodes {
		if n != nil && want[n.Kind] {
			ofKind[n.ID] = true
		}
	}
	return slices.DeleteFunc(pairs, func(p endPair) bool { return !ofKind[p.other] }), nil
}

// collection reads one page of a collection whose filter composes.
func collection[F any, P composite[F]](ctx context.Context, r *Resolver, kind domain.Kind, filter *F, fields fieldsOf[F], order *model.NodeOrder, first *int, after *string, last *int, before *string) (*page, error) {
	args, err := model.PageArgs(first, after, last, before)
	if err != nil {
		return nil, err
	}
	f, err := compileFilter[F, P](ctx, &filterCompiler{r: r, kind: kind}, filter, fields, 0)
	if err != nil {
		return nil, err
	}
	return r.list(ctx, kind, f, order, args)
}

// The own fields of each collection filter.

func nodeFields(_ context.Context, f *model.NodeFilter) (predicates, error) {
	return predicates{}.common(f.Ids, f.NameContains), nil
}

func datedFields(_ context.Context, f *model.DatedFilter) (predicates, error) {
	return predicates{}.common(f.Ids, f.NameContains).dated(f.From, f.To), nil
}

func figureFields(ctx context.Context, f *model.FigureFilter) (predicates, error) {
	ps := predicates{}.common(f.Ids, f.NameContains).dated(f.From, f.To)
	if f.About != nil {
		return ps.linked(ctx, *f.About, domain.In, domain.RelAbout, nil)
	}
	return ps, nil
}

func orientationFields(_ context.Context, f *model.OrientationFilter) (predicates, error) {
	return predicates{}.common(f.Ids, f.NameContains).field("type", storeNames(f.Types)), nil
}

func organizationFields(ctx context.Context, f *model.OrganizationFilter) (predicates, error) {
	ps := predicates{}.common(f.Ids, f.NameContains).field("category", storeNames(f.Categories))
	if f.SignatoryAsOf != nil {
		return ps.linked(ctx, model.FrameworkID, domain.In, domain.RelSignatory, f.SignatoryAsOf)
	}
	return ps, nil
}

func facilityFields(ctx context.Context, f *model.FacilityFilter) (ps predicates, err error) {
	ps = predicates{}.common(f.Ids, f.NameContains)
	for _, rel := range []struct {
		id   *string
		dir  domain.Direction
		kind domain.RelKind
	}{{f.Type, domain.Out, domain.RelInstanceOf}, {f.Manager, domain.In, domain.RelManages}, {f.Federation, domain.Out, domain.RelAffiliatedTo}, {f.Territory, domain.Out, domain.RelLocatedIn}} {
		if rel.id != nil {
			// The facilities linked to the given node, read from its side.
			if ps, err = ps.linked(ctx, *rel.id, rel.dir.Reverse(), rel.kind, nil); err != nil {
				return nil, err
			}
		}
	}
	if f.Within != nil {
		located, err := model.RelatedNodes(ctx, *f.Within, domain.In, domain.RelLocatedIn, nil)
		if err == nil {
			located, err = locatedWithin(ctx, *f.Within, located)
		}
		if err != nil {
			return nil, err
		}
		ps = append(ps, inSet(located))
	}
	more, err := facilityPlaceAndStatus(f)
	return append(ps, more...), err
}

func (r *Resolver) territoryFields(ctx context.Context, f *model.TerritoryFilter) (ps predicates, err error) {
	ps = predicates{}.common(f.Ids, f.NameContains).field("type", storeNames(f.Kinds)).field("code", f.Codes)
	if f.Parent != nil {
		if ps, err = ps.linked(ctx, *f.Parent, domain.In, domain.RelPartOf, nil); err != nil {
			return nil, err
		}
	}
	if f.Bbox != nil || f.ContainsPoint != nil || f.HasGeometry != nil {
		geo, err := r.geoPredicate(ctx, f)
		if err != nil {
			return nil, err
		}
		ps = append(ps, geo)
	}
	return ps, nil
}

// linked keeps the nodes related to id by kind (in direction dir from id's
// side), in force at asOf (any time when nil).
func (f predicates) linked(ctx context.Context, id string, dir domain.Direction, kind domain.RelKind, asOf *domain.Date) (predicates, error) {
	nodes, err := model.RelatedNodes(ctx, id, dir, kind, asOf)
	if err != nil {
		return nil, err
	}
	return append(f, inSet(nodes)), nil
}

// inSet keeps the nodes of a list.
func inSet(nodes []*domain.Node) func(*domain.Node) bool {
	set := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		set[n.ID] = true
	}
	return func(n *domain.Node) bool { return set[n.ID] }
}

// filterCost prices a collection's filter, as the cost analysis sees it
// (the argument's raw value), before it runs: one per filter and
// relationFilterPrice per relation condition, which may read the relations
// of every node of the collection. Filters deeper than maxFilterDepth are
// refused when compiled, so the walk stops there.
func filterCost(filter any) int {
	return rawFilterCost(filter, 0)
}

func rawFilterCost(v any, depth int) int {
	f, ok := v.(map[string]any)
	if !ok || depth > maxFilterDepth+1 {
		return 0
	}
	cost := 1
	for _, key := range []string{"and", "or"} {
		items, _ := f[key].([]any)
		for _, item := range items[:min(len(items), maxFilterParts+1)] {
			cost += rawFilterCost(item, depth+1)
		}
	}
	cost += rawFilterCost(f["not"], depth+1)
	if f["relation"] != nil {
		cost += relationFilterPrice
	}
	return cost
}
