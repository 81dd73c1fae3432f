// Package graph is the GraphQL layer: schema, resolvers and the HTTP handler.
package graph

//go:generate go run ../internal/generate

import "github.com/cccs13/cccs-graph/analysis"

// Resolver holds the dependencies of the resolvers.
type Resolver struct {
	Store    Reader
	Analysis *analysis.Analyzer // centralities, communities and diffs on Store
	ordered  orderedKinds       // collections sorted per data version
	Writer   Writer             // nil: read-only
}
