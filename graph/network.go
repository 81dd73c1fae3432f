package graph

import (
	"context"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
	"github.com/cccs13/cccs-graph/store"
)

// checkID refuses what cannot be a node id. Returns BAD_USER_INPUT.
func checkID(ids ...string) error {
	for _, id := range ids {
		if !domain.ValidID(id) {
			return domain.Errorf(domain.EBADINPUT, "invalid id %q: ids use a-z, 0-9 and '-'", id)
		}
	}
	return nil
}

// walkOf converts the arguments of neighborhood and shortestPath.
func walkOf(kinds []model.RelationKind, asOf *domain.Date, direction *model.Direction) store.Walk {
	w := store.Walk{Dir: domain.Both}
	for _, k := range kinds {
		w.Kinds = append(w.Kinds, model.StoreRelKind(k))
	}
	if asOf != nil {
		w.AsOf = *asOf
	}
	if direction != nil {
		switch *direction {
		case model.DirectionOut:
			w.Dir = domain.Out
		case model.DirectionIn:
			w.Dir = domain.In
		}
	}
	return w
}

// or returns *p, or def when p is nil.
func or[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

func wrapNodes(nodes []*domain.Node) []model.Node {
	return model.WrapAll(nodes)
}

// pageOf cuts the page first/after of items already in cursor order; order
// names that order in the cursors.
func pageOf[T any](items []T, cursor func(T) store.Cursor, order string, first *int, after *string) (store.Page[T], *model.PageInfo, error) {
	args, err := model.PageArgs(first, after, nil, nil)
	if err != nil {
		return store.Page[T]{}, nil, err
	}
	args.Order = order
	return model.Cut(items, cursor, false, args)
}

// searchConnection is a page of search hits, best first.
func searchConnection(p store.Page[store.SearchHit]) *model.SearchConnection {
	nodes := make([]*domain.Node, len(p.Items))
	for i, h := range p.Items {
		nodes[i] = h.Node
	}
	c := &model.SearchConnection{TotalCount: p.Total, PageInfo: model.InfoOf(p),
		Edges: make([]*model.SearchEdge, len(p.Items)), Nodes: model.WrapAll(nodes)}
	edges := make([]model.SearchEdge, len(p.Items)) // one allocation for all
	for i, h := range p.Items {
		edges[i] = model.NewSearchEdge(c.Nodes[i], h.Score, h.Matched, p.Cursors[i])
		c.Edges[i] = &edges[i]
	}
	return c
}

// timelineTypes name the store's entry types in the schema.
var timelineTypes = map[store.TimelineType]model.TimelineEntryType{
	store.TimelineEvent: model.TimelineEntryTypeEvent,
	store.TimelineStart: model.TimelineEntryTypeRelationStart,
	store.TimelineEnd:   model.TimelineEntryTypeRelationEnd,
}

// timelineConnection pages timeline entries, in date order.
func timelineConnection(ctx context.Context, entries []store.TimelineEntry, first *int, after *string) (*model.TimelineConnection, error) {
	p, info, err := pageOf(entries, store.TimelineEntry.Cursor, "timeline", first, after)
	if err != nil {
		return nil, err
	}
	c := &model.TimelineConnection{TotalCount: p.Total, PageInfo: info,
		Edges: make([]*model.TimelineEdge, len(p.Items)), Nodes: make([]*model.TimelineEntry, len(p.Items))}
	var rels []*domain.Relation
	for _, e := range p.Items {
		if e.Event == nil {
			rels = append(rels, e.Relation)
		}
	}
	models, err := model.NewRelations(ctx, rels)
	if err != nil {
		return nil, err
	}
	for i, e := range p.Items {
		entry := &model.TimelineEntry{Date: e.Date, Type: timelineTypes[e.Type]}
		if e.Event != nil {
			entry.Event, _ = model.As[*model.Event](e.Event)
		} else {
			entry.Relation, models = models[0], models[1:]
		}
		c.Nodes[i], c.Edges[i] = entry, &model.TimelineEdge{Cursor: p.Cursors[i].String(), Node: entry}
	}
	return c, nil
}
