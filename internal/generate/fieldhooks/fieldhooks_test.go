package fieldhooks

import (
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

const schema = `
type Query { node(id: ID!, knownAt: String): Node  version: Int }
type Mutation { edit(id: ID!): Node }
type Node { id: ID!  relations(first: Int, knownAt: String): [Node!]!  name: String }
`

// The root fields get @rootField, outermost (last); the fields with a
// knownAt argument get @knownAt; no other field gets anything.
func TestHooks(t *testing.T) {
	s := gqlparser.MustLoadSchema(&ast.Source{Name: "test.graphqls", Input: schema})
	if err := (Plugin{}).MutateSchema(s); err != nil {
		t.Fatal(err)
	}
	if err := (Plugin{}).MutateSchema(s); err != nil { // twice changes nothing
		t.Fatal(err)
	}
	want := map[string][]string{
		"Query.node": {KnownAt, RootField}, "Query.version": {RootField}, "Mutation.edit": {RootField},
		"Node.id": nil, "Node.relations": {KnownAt}, "Node.name": nil,
	}
	for name, dirs := range want {
		var f *ast.FieldDefinition
		for _, t := range s.Types {
			for _, tf := range t.Fields {
				if t.Name+"."+tf.Name == name {
					f = tf
				}
			}
		}
		if f == nil {
			t.Fatalf("no field %s", name)
		}
		var got []string
		for _, d := range f.Directives {
			got = append(got, d.Name)
		}
		if len(got) != len(dirs) || (len(got) > 0 && (got[0] != dirs[0] || got[len(got)-1] != dirs[len(dirs)-1])) {
			t.Errorf("%s: directives %v, want %v", name, got, dirs)
		}
	}
	for _, name := range []string{RootField, KnownAt} {
		if d := s.Directives[name]; d == nil || d.Position.Src.Name != "test.graphqls" {
			t.Errorf("directive %s not declared in the source of Query: %+v", name, d)
		}
	}
}
