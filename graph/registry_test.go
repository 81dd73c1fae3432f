package graph

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
)

// enumValue is the GraphQL spelling of a registry name (facility-type: FACILITY_TYPE).
func enumValue(s string) string { return strings.ToUpper(strings.ReplaceAll(s, "-", "_")) }

func enumValues(t *testing.T, schema *ast.Schema, name string) []string {
	t.Helper()
	def := schema.Types[name]
	if def == nil || def.Kind != ast.Enum {
		t.Fatalf("schema has no enum %s", name)
	}
	var out []string
	for _, v := range def.EnumValues {
		out = append(out, v.Name)
	}
	return out
}

// The schema agrees with the registry of kinds: one NodeKind value, one
// object type implementing Node and one Query collection per kind, one
// RelationKind value per relation kind, the enum fields' values, and a
// wrapper in package model that makes the kind's own type.
func TestRegistryMatchesSchema(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	var kinds []string
	for _, k := range domain.Kinds {
		kinds = append(kinds, enumValue(string(k.Kind)))
		obj := schema.Types[k.GraphQLType]
		if obj == nil || obj.Kind != ast.Object || !slices.Contains(obj.Interfaces, "Node") {
			t.Errorf("kind %s: no object type %s implementing Node", k.Kind, k.GraphQLType)
		}
		q := schema.Query.Fields.ForName(k.Collection)
		if q == nil || q.Type.Name() != k.GraphQLType+"Connection" {
			t.Errorf("kind %s: no Query.%s returning %sConnection", k.Kind, k.Collection, k.GraphQLType)
		}
		w := model.Wrap(&domain.Node{Kind: k.Kind})
		if got := fmt.Sprintf("%T", w); got != "*model."+k.GraphQLType {
			t.Errorf("kind %s: model.Wrap makes %s, want %s", k.Kind, got, k.GraphQLType)
		}
	}
	if got := enumValues(t, schema, "NodeKind"); !slices.Equal(got, kinds) {
		t.Errorf("NodeKind = %v, registry %v", got, kinds)
	}
	var rels []string
	for _, r := range domain.RelKinds {
		rels = append(rels, enumValue(string(r.Kind)))
	}
	if got := enumValues(t, schema, "RelationKind"); !slices.Equal(got, rels) {
		t.Errorf("RelationKind = %v, registry %v", got, rels)
	}
	for enum, values := range map[string][]string{
		"OrganizationCategory": domain.OrganizationCategories,
		"TerritoryKind":        domain.TerritoryTypes,
		"OrientationType":      domain.OrientationTypes,
	} {
		var want []string
		for _, v := range values {
			want = append(want, enumValue(v))
		}
		if got := enumValues(t, schema, enum); !slices.Equal(got, want) {
			t.Errorf("%s = %v, registry %v", enum, got, want)
		}
	}
}
