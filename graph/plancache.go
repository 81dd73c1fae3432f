package graph

import (
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// planCache keeps the plans of (document, operation name), bounded in
// bytes: a plan is weighed like a parsed document of its text. A document
// whose @include or @skip take variables selects other fields with other
// variables: its plan is made for each run and not kept (perRun is kept in
// its place, so the document is looked at once).
type planCache struct {
	plans     *byteLRU[planKey, *plan]
	satisfies map[string][]string // object type -> the names its fragments may be on
}

type planKey struct{ query, operation string }

// perRun stands, in the cache, for the plans made for each run.
var perRun = &plan{}

func newPlanCache(maxBytes int) *planCache {
	return &planCache{plans: newByteLRU(maxBytes, 0, func(k planKey, _ *plan) int { return planWeight(k) })}
}

func planWeight(k planKey) int { return astWeight * (len(k.query) + len(k.operation)) }

// plan returns the plan of the operation of opCtx.
func (c *planCache) plan(opCtx *graphql.OperationContext) *plan {
	k := planKey{opCtx.RawQuery, opCtx.OperationName}
	p, ok := c.plans.get(k)
	switch {
	case p == perRun:
		return c.newPlan(opCtx)
	case ok:
		return p
	}
	p = perRun
	if !variableDirectives(opCtx.Doc) {
		p = c.newPlan(opCtx)
	}
	if len(k.query) <= maxCachedQuery {
		c.plans.add(k, p)
	}
	if p == perRun {
		return c.newPlan(opCtx)
	}
	return p
}

func (c *planCache) newPlan(opCtx *graphql.OperationContext) *plan {
	return &plan{root: &planSel{set: opCtx.Operation.SelectionSet}, satisfies: c.satisfies}
}

// variableDirectives reports whether a directive of the document takes a
// variable (so that @include(if: $x) selects per run).
func variableDirectives(doc *ast.QueryDocument) bool {
	var walk func(ast.SelectionSet) bool
	directives := func(ds ast.DirectiveList) bool {
		for _, d := range ds {
			for _, a := range d.Arguments {
				if a.Value.Kind == ast.Variable {
					return true
				}
			}
		}
		return false
	}
	walk = func(set ast.SelectionSet) bool {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if directives(s.Directives) || walk(s.SelectionSet) {
					return true
				}
			case *ast.InlineFragment:
				if directives(s.Directives) || walk(s.SelectionSet) {
					return true
				}
			case *ast.FragmentSpread:
				if directives(s.Directives) {
					return true
				}
			}
		}
		return false
	}
	for _, op := range doc.Operations {
		if walk(op.SelectionSet) {
			return true
		}
	}
	for _, f := range doc.Fragments {
		if walk(f.SelectionSet) {
			return true
		}
	}
	return false
}
