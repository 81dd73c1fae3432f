// Package fieldhooks is a gqlgen plugin that gives a few fields a middleware
// of their own, so that the other fields pay nothing: a server-wide
// AroundFields wraps every field of every answer in one more closure and
// call (a tenth of the CPU of a large answer, for three of them).
//
// It adds directives to the schema gqlgen generates from, and puts them on
// the fields they hook; gqlgen then calls DirectiveRoot's function of each
// around those fields only:
//
//   - @rootField on every field of the root types (Query, Mutation): what
//     runs before any of an operation's work, such as its deadline;
//   - @knownAt on every field with a knownAt argument: the field and
//     everything under it read the graph as it was recorded then.
//
// The schema the server publishes (the .graphqls sources embedded in the
// generated code) has none of them: introspection and /schema.graphql are
// unchanged.
package fieldhooks

import (
	"errors"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
)

// The directives, and the argument @knownAt hooks.
const (
	RootField = "rootField"
	KnownAt   = "knownAt"
)

// Plugin adds the directives.
type Plugin struct{}

// Name is the plugin's name in gqlgen's logs.
func (Plugin) Name() string { return "fieldhooks" }

// MutateSchema declares the directives and puts them on their fields.
func (Plugin) MutateSchema(s *ast.Schema) error {
	if s.Query == nil {
		return errors.New("the schema has no Query type")
	}
	// gqlgen makes a DirectiveRoot member only for the directives of its
	// sources: the declarations say they are in the source of Query.
	declare := func(name, description string) *ast.DirectiveDefinition {
		d := &ast.DirectiveDefinition{
			Name:        name,
			Description: description,
			Locations:   []ast.DirectiveLocation{ast.LocationFieldDefinition},
			Position:    &ast.Position{Src: s.Query.Position.Src},
		}
		s.Directives[name] = d
		return d
	}
	root := declare(RootField, "Runs before the root field resolves.")
	knownAt := declare(KnownAt, "Resolves the field, and everything under it, on the graph as recorded at its knownAt argument.")
	for _, t := range s.Types {
		for _, f := range t.Fields {
			if f.Arguments.ForName(KnownAt) != nil {
				hook(f, knownAt)
			}
		}
	}
	for _, t := range []*ast.Definition{s.Query, s.Mutation} {
		if t == nil {
			continue
		}
		for _, f := range t.Fields {
			if !strings.HasPrefix(f.Name, "__") { // introspection
				hook(f, root)
			}
		}
	}
	return nil
}

// hook puts directive d on field f, once. gqlgen runs a field's last
// directive outermost: the root's hook goes on last, so that it runs first.
func hook(f *ast.FieldDefinition, d *ast.DirectiveDefinition) {
	if f.Directives.ForName(d.Name) == nil {
		f.Directives = append(f.Directives, &ast.Directive{Name: d.Name, Definition: d, Location: ast.LocationFieldDefinition})
	}
}
