package graph

import (
	"context"
	"encoding/json"
	"math"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/cccs13/cccs-graph/graph/model"
	"github.com/cccs13/cccs-graph/store"
)

// The cost of an operation is computed from its document before anything
// runs: a field costs one plus its children's cost times the number of items
// it may return, so nested lists multiply. The arithmetic saturates (a cost
// never wraps to a small number), introspection fields are priced like the
// others, and each fragment is costed once and reused, so the walk takes time
// linear in the document's size however its fragments spread.

// listGuess is the number of items assumed for a list field without `first`.
const listGuess = 20

// capped are list fields bounded by a cap rather than by `first`: they cost
// their cap times their children, so a neighbourhood costs what 500 nodes
// and 1000 relations would.
var capped = map[string]int{
	"Subgraph.nodes":          store.MaxSubgraphNodes,
	"Subgraph.depths":         store.MaxSubgraphNodes,
	"Subgraph.relations":      store.MaxSubgraphRelations,
	"Path.nodes":              store.MaxPathDepth + 1,
	"Path.relations":          store.MaxPathDepth,
	"Stats.nodesByKind":       len(store.Kinds),
	"Stats.relationsByKind":   len(store.RelKinds),
	"Stats.signatoriesByYear": store.MaxYears,
}

// work is the fixed cost of fields that walk or scan much of the graph
// whatever they return, so that many aliases of them are refused too.
var work = map[string]int{
	"Query.neighborhood": 1000,
	"Query.shortestPath": 500,
	"Query.stats":        1000,
	"Query.timeline":     200,
	"Query.search":       50,
}

// pricer prices the fields of one schema.
type pricer struct {
	schema *ast.Schema
	// introspection gives the lists of the introspection types their real
	// sizes in this schema (the number of types, the most fields of a type,
	// ...), so a __schema subtree costs what its answer weighs.
	introspection map[string]int
}

func newPricer(s *ast.Schema) *pricer {
	p := &pricer{schema: s, introspection: map[string]int{
		"__Schema.types":      len(s.Types),
		"__Schema.directives": len(s.Directives),
	}}
	most := func(key string, n int) { p.introspection[key] = max(p.introspection[key], n) }
	for _, t := range s.Types {
		most("__Type.fields", len(t.Fields))
		most("__Type.inputFields", len(t.Fields))
		most("__Type.enumValues", len(t.EnumValues))
		most("__Type.interfaces", len(t.Interfaces))
		most("__Type.possibleTypes", len(s.PossibleTypes[t.Name]))
		for _, f := range t.Fields {
			most("__Field.args", len(f.Arguments))
		}
	}
	for _, d := range s.Directives {
		most("__Directive.args", len(d.Arguments))
		most("__Directive.locations", len(d.Locations))
	}
	return p
}

// price is the cost of one field given its children's cost.
func (p *pricer) price(f *ast.Field, child int, vars map[string]any) int {
	if f.Definition == nil || f.ObjectDefinition == nil {
		return satAdd(1, child)
	}
	typeName := f.ObjectDefinition.Name
	key := typeName + "." + f.Name
	base := 1 + work[key]
	if n, ok := capped[key]; ok {
		return satAdd(base, satMul(n, child))
	}
	if n, ok := p.introspection[key]; ok {
		return satAdd(base, satMul(max(n, 1), child))
	}
	def := f.Definition
	first, last := intArg(f, "first", vars), intArg(f, "last", vars)
	n := 1
	switch {
	case key == "Query.nodes":
		n = listArgLen(f, "ids", vars)
	case first > 0 || last > 0:
		// Larger pages are refused by the resolver with BAD_USER_INPUT.
		n = min(max(first, last), model.MaxPageSize)
	case def.Arguments.ForName("first") != nil:
		n = listGuess // a connection with the default page size
	case def.Type.Elem != nil && !isConnectionType(typeName):
		n = listGuess
	}
	return satAdd(base, satMul(n, child))
}

// isConnectionType reports whether a type's list fields are bounded by the
// `first` of the field that returned it (edges and nodes of a connection).
func isConnectionType(name string) bool {
	return len(name) > len("Connection") && name[len(name)-len("Connection"):] == "Connection"
}

// coster computes the cost of one operation.
type coster struct {
	*pricer
	doc   *ast.QueryDocument
	vars  map[string]any
	frags map[string]int // the cost of each fragment, computed once
}

// Cost returns the cost of op, saturated at math.MaxInt.
func (p *pricer) Cost(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) int {
	c := &coster{pricer: p, doc: doc, vars: vars, frags: map[string]int{}}
	return c.set(op.SelectionSet)
}

func (c *coster) set(set ast.SelectionSet) int {
	total := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			total = satAdd(total, c.price(s, c.set(s.SelectionSet), c.vars))
		case *ast.InlineFragment:
			total = satAdd(total, c.set(s.SelectionSet))
		case *ast.FragmentSpread:
			total = satAdd(total, c.fragment(s.Name))
		}
	}
	return total
}

// fragment is the cost of a named fragment, memoised. Validation has
// refused cycles; a cycle met anyway costs the maximum (fail closed).
func (c *coster) fragment(name string) int {
	if n, ok := c.frags[name]; ok {
		return n
	}
	c.frags[name] = math.MaxInt // in progress: a cycle saturates
	def := c.doc.Fragments.ForName(name)
	n := math.MaxInt
	if def != nil {
		n = c.set(def.SelectionSet)
	}
	c.frags[name] = n
	return n
}

func satAdd(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

func satMul(a, b int) int {
	if a != 0 && b > math.MaxInt/a {
		return math.MaxInt
	}
	return a * b
}

// argValue is the value of a field's argument: a literal or a variable's.
func argValue(f *ast.Field, name string, vars map[string]any) (lit *ast.Value, v any) {
	a := f.Arguments.ForName(name)
	if a == nil {
		if d := f.Definition.Arguments.ForName(name); d != nil && d.DefaultValue != nil {
			return d.DefaultValue, nil
		}
		return nil, nil
	}
	if a.Value.Kind == ast.Variable {
		return nil, vars[a.Value.Raw]
	}
	return a.Value, nil
}

// intArg is an integer argument, 0 when absent or not an integer.
func intArg(f *ast.Field, name string, vars map[string]any) int {
	lit, v := argValue(f, name, vars)
	if lit != nil {
		n, _ := strconv.Atoi(lit.Raw)
		return n
	}
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(min(max(n, math.MinInt32), math.MaxInt32))
	case float64:
		return int(min(max(n, math.MinInt32), math.MaxInt32))
	case json.Number:
		i, _ := strconv.Atoi(string(n))
		return i
	}
	return 0
}

// listArgLen is the length of a list argument, listGuess when unknown.
func listArgLen(f *ast.Field, name string, vars map[string]any) int {
	lit, v := argValue(f, name, vars)
	if lit != nil {
		return len(lit.Children)
	}
	if l, ok := v.([]any); ok {
		return len(l)
	}
	return listGuess
}

// costLimit refuses, before execution, an operation whose cost exceeds limit.
type costLimit struct {
	limit  int
	pricer *pricer
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = (*costLimit)(nil)

func (*costLimit) ExtensionName() string                   { return "CostLimit" }
func (*costLimit) Validate(graphql.ExecutableSchema) error { return nil }

func (l *costLimit) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	cost := l.pricer.Cost(op.Doc, op.Operation, op.Variables)
	if cost <= l.limit {
		return nil
	}
	shown := strconv.Itoa(cost)
	if cost == math.MaxInt {
		shown = "beyond counting"
	}
	err := gqlerror.Errorf("operation cost %s exceeds the limit of %d: ask for fewer items per page, fewer levels or fewer aliases", shown, l.limit)
	err.Extensions = map[string]any{"code": store.ECOMPLEXITY, "cost": cost, "limit": l.limit}
	return err
}
