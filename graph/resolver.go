// Package graph is the GraphQL layer: schema, resolvers and the HTTP handler.
package graph

//go:generate go tool gqlgen generate

// Resolver holds the dependencies of the resolvers.
type Resolver struct {
	Store   Reader
	ordered orderedKinds // collections sorted per data version
}
