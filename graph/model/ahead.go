package model

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/loaders"
)

// primeEndsAhead reads the relations of the other ends of a page of id's
// relations in one store read, before the answer asks for them, when the
// field being resolved selects them (edges { node { to { relations } } },
// or nodes, or from): the ends' relations then come from the loaders'
// cache, with no batch to wait for (a batch waits loaders.Wait, one element
// of the list first: graph/marshal.go).
func primeEndsAhead(ctx context.Context, id string, page []*domain.Relation) error {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || len(page) == 0 {
		return nil
	}
	var rels ast.SelectionSet
	for _, list := range [][]string{{"edges", "node"}, {"nodes"}} {
		rels = append(rels, selected(fc.Field.Selections, list...)...)
	}
	from, to := len(selected(rels, "from", "relations")) > 0, len(selected(rels, "to", "relations")) > 0
	if !from && !to {
		return nil
	}
	seen := map[string]bool{id: true}
	var ids []string
	for _, r := range page {
		for _, end := range []struct {
			id    string
			asked bool
		}{{r.From, from}, {r.To, to}} {
			if end.asked && !seen[end.id] {
				seen[end.id] = true
				ids = append(ids, end.id)
			}
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return loaders.For(ctx).Prime(ctx, ids)
}

// selected returns what the fields at path under set select (their
// selection sets, joined), through fragments of any type: it may find more
// than an operation resolves, which only reads more ahead.
func selected(set ast.SelectionSet, path ...string) ast.SelectionSet {
	if len(path) == 0 {
		return set
	}
	var out ast.SelectionSet
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == path[0] {
				out = append(out, selected(s.SelectionSet, path[1:]...)...)
			}
		case *ast.InlineFragment:
			out = append(out, selected(s.SelectionSet, path...)...)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				out = append(out, selected(s.Definition.SelectionSet, path...)...)
			}
		}
	}
	return out
}
