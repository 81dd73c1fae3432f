package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/cccs13/cccs-graph/domain"
)

// noIntrospection refuses, with FORBIDDEN, operations that ask for the schema
// when introspection is switched off (gqlgen alone answers an uncoded error).
// It fails closed: however deep the fields and fragments nest, a __schema or
// __type anywhere is found.
type noIntrospection struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = noIntrospection{}

func (noIntrospection) ExtensionName() string                   { return "NoIntrospection" }
func (noIntrospection) Validate(graphql.ExecutableSchema) error { return nil }
func (noIntrospection) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	seen := map[string]bool{} // fragments already searched
	for _, o := range op.Doc.Operations {
		if asksSchema(o.SelectionSet, op.Doc.Fragments, seen) {
			return introspectionOff()
		}
	}
	return nil
}

func introspectionOff() *gqlerror.Error {
	err := gqlerror.Errorf("introspection is switched off on this server")
	err.Extensions = map[string]any{"code": domain.EFORBIDDEN}
	return err
}

// asksSchema reports whether a selection set reaches __schema or __type.
// Each fragment is searched once, so the walk is linear in the document.
func asksSchema(set ast.SelectionSet, frags ast.FragmentDefinitionList, seen map[string]bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" || asksSchema(s.SelectionSet, frags, seen) {
				return true
			}
		case *ast.InlineFragment:
			if asksSchema(s.SelectionSet, frags, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if f := frags.ForName(s.Name); f != nil && asksSchema(f.SelectionSet, frags, seen) {
				return true
			}
		}
	}
	return false
}
