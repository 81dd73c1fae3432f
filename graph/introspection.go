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
type noIntrospection struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = noIntrospection{}

func (noIntrospection) ExtensionName() string                   { return "NoIntrospection" }
func (noIntrospection) Validate(graphql.ExecutableSchema) error { return nil }
func (noIntrospection) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	for _, o := range op.Doc.Operations {
		if asksSchema(o.SelectionSet, op.Doc.Fragments, 0) {
			err := gqlerror.Errorf("introspection is switched off on this server")
			err.Extensions = map[string]any{"code": domain.EFORBIDDEN}
			return err
		}
	}
	return nil
}

// asksSchema reports whether a selection set reaches __schema or __type.
func asksSchema(set ast.SelectionSet, frags ast.FragmentDefinitionList, depth int) bool {
	if depth > 50 {
		return false
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" || asksSchema(s.SelectionSet, frags, depth+1) {
				return true
			}
		case *ast.InlineFragment:
			if asksSchema(s.SelectionSet, frags, depth+1) {
				return true
			}
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil && asksSchema(f.SelectionSet, frags, depth+1) {
				return true
			}
		}
	}
	return false
}
