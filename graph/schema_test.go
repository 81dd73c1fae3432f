package graph

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

var update = flag.Bool("update", false, "rewrite schema.graphql (only when no undeclared breaking change remains)")

const (
	schemaFile   = "../schema.graphql"              // the contract front-ends code against
	acceptedFile = "../schema-breaking-changes.txt" // breaking changes made on purpose
)

// TestSchemaFileIsCurrentAndChangesDoNotBreak compares the schema with the
// committed schema.graphql: a breaking change (a type, field, argument,
// input field or enum value removed, or retyped incompatibly, a required
// argument added) fails unless schema-breaking-changes.txt declares it;
// any other difference asks for `go test ./graph -run SchemaFile -update`.
func TestSchemaFileIsCurrentAndChangesDoNotBreak(t *testing.T) {
	committed, err := os.ReadFile(schemaFile)
	if err != nil && !*update {
		t.Fatalf("%v: run go test ./graph -run SchemaFile -update", err)
	}
	if len(committed) > 0 {
		old, gqlErr := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: string(committed)})
		if gqlErr != nil {
			t.Fatalf("schema.graphql does not parse: %v", gqlErr)
		}
		accepted := acceptedChanges(t)
		for _, c := range breakingChanges(old, NewExecutableSchema(Config{}).Schema()) {
			if !accepted[c] {
				t.Errorf("breaking change: %s (put it back, or declare it in schema-breaking-changes.txt)", c)
			}
		}
	}
	if t.Failed() || bytes.Equal(committed, SDL()) {
		return
	}
	if *update {
		if err := os.WriteFile(schemaFile, SDL(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("schema.graphql is not the schema: run go test ./graph -run SchemaFile -update and commit it")
}

// acceptedChanges reads the declared breaking changes: one a line, as this
// test prints them, then ": " and the reason; # starts a comment.
func acceptedChanges(t *testing.T) map[string]bool {
	f, err := os.Open(acceptedFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		change, _, _ := strings.Cut(line, ": ")
		out[change] = true
	}
	return out
}

// breakingChanges lists what a client written against old may find broken
// in cur, in a stable order.
func breakingChanges(old, cur *ast.Schema) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	for name, ot := range old.Types {
		if ot.BuiltIn {
			continue
		}
		ct := cur.Types[name]
		switch {
		case ct == nil:
			add("type %s removed", name)
			continue
		case ct.Kind != ot.Kind:
			add("type %s changed from %s to %s", name, ot.Kind, ct.Kind)
			continue
		}
		for _, of := range ot.Fields {
			cf := ct.Fields.ForName(of.Name)
			if cf == nil {
				add("field %s.%s removed", name, of.Name)
				continue
			}
			if ot.Kind == ast.InputObject {
				if !compatible(of.Type, cf.Type, true) {
					add("input field %s.%s changed type from %s to %s", name, of.Name, of.Type, cf.Type)
				}
				continue
			}
			if !compatible(of.Type, cf.Type, false) {
				add("field %s.%s changed type from %s to %s", name, of.Name, of.Type, cf.Type)
			}
			for _, oa := range of.Arguments {
				ca := cf.Arguments.ForName(oa.Name)
				if ca == nil {
					add("argument %s.%s(%s) removed", name, of.Name, oa.Name)
				} else if !compatible(oa.Type, ca.Type, true) {
					add("argument %s.%s(%s) changed type from %s to %s", name, of.Name, oa.Name, oa.Type, ca.Type)
				}
			}
			for _, ca := range cf.Arguments {
				if of.Arguments.ForName(ca.Name) == nil && ca.Type.NonNull && ca.DefaultValue == nil {
					add("argument %s.%s(%s) added as required", name, of.Name, ca.Name)
				}
			}
		}
		if ot.Kind == ast.InputObject {
			for _, cf := range ct.Fields {
				if ot.Fields.ForName(cf.Name) == nil && cf.Type.NonNull && cf.DefaultValue == nil {
					add("input field %s.%s added as required", name, cf.Name)
				}
			}
		}
		for _, ov := range ot.EnumValues {
			if ct.EnumValues.ForName(ov.Name) == nil {
				add("enum value %s.%s removed", name, ov.Name)
			}
		}
		for _, m := range ot.Types {
			if !slices.Contains(ct.Types, m) {
				add("union member %s of %s removed", m, name)
			}
		}
		for _, i := range ot.Interfaces {
			if !slices.Contains(ct.Interfaces, i) {
				add("type %s no longer implements %s", name, i)
			}
		}
	}
	slices.Sort(out)
	return out
}

// compatible reports whether what a client did with old still works with
// cur. Output may become non-null (the client reads no null); input may
// become nullable (what it sent stays valid); nothing else may change.
func compatible(old, cur *ast.Type, input bool) bool {
	if input && !old.NonNull && cur.NonNull || !input && old.NonNull && !cur.NonNull {
		return false
	}
	if (old.Elem == nil) != (cur.Elem == nil) {
		return false
	}
	if old.Elem != nil {
		return compatible(old.Elem, cur.Elem, input)
	}
	return old.NamedType == cur.NamedType
}

// TestBreakingChangesAreFound runs the comparison on small schemas, so the
// guard above is known to bite.
func TestBreakingChangesAreFound(t *testing.T) {
	load := func(sdl string) *ast.Schema {
		s, err := gqlparser.LoadSchema(&ast.Source{Input: sdl})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	old := load(`type Query { a(x: Int, y: String!): T  b: [T!]!  gone: Int }
		type T { id: ID! n: Int } enum E { A B } input I { f: Int g: String! }`)
	cur := load(`type Query { a(x: String, y: String, z: Int!): T!  b: [T]! }
		type T { id: ID! n: Int! } enum E { A } input I { f: Int g: String h: Int! }`)
	want := []string{
		"argument Query.a(x) changed type from Int to String",
		"argument Query.a(z) added as required",
		"enum value E.B removed",
		"field Query.b changed type from [T!]! to [T]!",
		"field Query.gone removed",
		"input field I.h added as required",
	}
	if got := breakingChanges(old, cur); !slices.Equal(got, want) {
		t.Errorf("breaking changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got := breakingChanges(old, old); len(got) != 0 {
		t.Errorf("a schema breaks itself: %v", got)
	}
}

// The directives of internal/generate/fieldhooks hook fields in the
// generated code only: the published schema has none of them.
func TestFieldHooksAreNotPublished(t *testing.T) {
	var resp struct {
		Schema struct{ Directives []struct{ Name string } } `json:"__schema"`
	}
	query(t, newClient(defaultDataset(t)), `{ __schema { directives { name } } }`, &resp)
	for _, d := range resp.Schema.Directives {
		if d.Name == "rootField" || d.Name == "knownAt" {
			t.Errorf("introspection lists @%s", d.Name)
		}
	}
	if bytes.Contains(SDL(), []byte("@rootField")) || bytes.Contains(SDL(), []byte("@knownAt")) {
		t.Error("/schema.graphql has a field hook")
	}
}
