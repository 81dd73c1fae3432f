package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
	"github.com/cccs13/cccs-graph/store"
)

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
	"Stats.nodesByKind":       len(domain.Kinds),
	"Stats.relationsByKind":   len(domain.RelKinds),
	"Stats.signatoriesByYear": store.MaxYears,
	"Diff.relationKinds":      len(domain.RelKinds),
	"Diff.nodeKinds":          len(domain.Kinds),
}

// work is the fixed cost of fields that walk or scan much of the graph
// whatever they return, so that many aliases of them are refused too.
var work = map[string]int{
	"Query.neighborhood": 1000,
	"Query.shortestPath": 500,
	"Query.stats":        1000,
	"Query.timeline":     200,
	"Query.search":       50,
	"Query.diff":         1000,
	"Query.communities":  2000,
}

// centralityWork is the fixed cost of one ranking: the measures that walk
// from every node cost more, so that an operation runs at most four of them.
func centralityWork(measure any) int {
	switch fmt.Sprint(measure) {
	case "BETWEENNESS", "CLOSENESS":
		return 4500
	}
	return 1000
}

// analysisWork is the fixed cost of the centrality fields: one ranking for
// centrality, two for centralityChange.
func analysisWork(key string, args map[string]any) int {
	switch key {
	case "Query.centrality":
		return centralityWork(args["measure"])
	case "Query.centralityChange":
		return 2 * centralityWork(args["measure"])
	}
	return 0
}

// costSchema overrides the cost of every field: a field costs one plus its
// children's cost times the number of items it may return, so nested lists
// multiply and a deep query is refused before it runs.
type costSchema struct{ graphql.ExecutableSchema }

// Complexity returns the cost of one field given its children's cost.
func (c costSchema) Complexity(ctx context.Context, typeName, field string, child int, args map[string]any) (int, bool) {
	t := c.Schema().Types[typeName]
	if t == nil {
		return 1 + child, true
	}
	def := t.Fields.ForName(field)
	if def == nil {
		return 1 + child, true
	}
	key := typeName + "." + field
	base := 1 + work[key] + analysisWork(key, args)
	if n, ok := capped[key]; ok {
		return base + n*child, true
	}
	n := 1
	switch {
	case key == "Query.nodes":
		n = listLen(args["ids"])
	case pageArg(args, "first") > 0 || pageArg(args, "last") > 0:
		// Larger pages are refused by the resolver with BAD_USER_INPUT.
		n = min(max(pageArg(args, "first"), pageArg(args, "last")), model.MaxPageSize)
	case def.Arguments.ForName("first") != nil:
		n = listGuess // a connection with the default page size
	case def.Type.Elem != nil && !isConnectionType(typeName):
		n = listGuess
	}
	return base + n*child, true
}

// isConnectionType reports whether a type's list fields are bounded by the
// `first` of the field that returned it (edges and nodes of a connection).
func isConnectionType(name string) bool {
	return len(name) > len("Connection") && name[len(name)-len("Connection"):] == "Connection"
}

func pageArg(args map[string]any, name string) int {
	switch v := args[name].(type) {
	case int:
		return v
	case *int:
		if v != nil {
			return *v
		}
	case int64:
		return int(v)
	}
	return 0
}

// listLen is the length of a list argument, however it was decoded.
func listLen(v any) int {
	switch l := v.(type) {
	case []string:
		return len(l)
	case []any:
		return len(l)
	}
	return listGuess
}
