package graph

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

var plannerSeed = flag.Uint64("planner.seed", 0, "TestPlannerRandomSelections: one more seed to run, besides the fixed one")

// TestPlannerRandomSelections generates random valid queries over the
// schema (from Query, bounded in depth and width: arguments with valid
// values, aliases, inline and named fragments, __typename, @include and
// @skip with constants and variables) and requires the planner's answer to
// be byte for byte gqlgen's, errors included: through one handler with the
// planner and one without, as clients see them (HTTP bodies).
func TestPlannerRandomSelections(t *testing.T) {
	seeds := []uint64{1}
	if *plannerSeed != 0 {
		seeds = append(seeds, *plannerSeed)
	}
	s := defaultDataset(t)
	limits := DefaultLimits
	limits.Complexity = 1 << 30 // random selections multiply pages
	handler := func(mode PlannerMode) http.Handler {
		return NewHandler(s, Options{Limits: limits, Introspection: true, Logger: slog.New(slog.DiscardHandler), Planner: mode})
	}
	planned, reference := handler(PlannerOn), handler(PlannerOff)
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	const cases = 400
	for _, seed := range seeds {
		g := &selectionGen{rnd: rand.New(rand.NewPCG(seed, 15)), schema: schema}
		before, fellBack := PlannerTotals.Planned.Load(), PlannerTotals.Fallbacks.Load()
		withErrors := 0
		for i := range cases {
			doc, vars := g.document()
			body, _ := json.Marshal(map[string]any{"query": doc, "variables": vars})
			got, want := post(planned, body), post(reference, body)
			if !sameAnswer(got, want) {
				t.Fatalf("seed %d, case %d: the planner answers\n%.3000s\ngqlgen answers\n%.3000s\nto\n%s", seed, i, got, want, doc)
			}
			if bytes.Contains(got, []byte(`"errors"`)) {
				withErrors++
				if testing.Verbose() && withErrors < 15 {
					t.Logf("%.300s", got)
				}
			}
		}
		t.Logf("seed %d: %d queries, %d planned, %d answered by gqlgen, %d answers with errors", seed, cases,
			PlannerTotals.Planned.Load()-before, PlannerTotals.Fallbacks.Load()-fellBack, withErrors)
	}
}

// sameAnswer compares two HTTP answers: status and data byte for byte,
// errors as a set. gqlgen resolves root fields concurrently, so the order of
// the errors of two root fields varies from run to run of gqlgen itself.
func sameAnswer(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	norm := func(answer []byte) []byte {
		status, body, _ := bytes.Cut(answer, []byte(" "))
		var resp struct {
			Errors []json.RawMessage `json:"errors"`
			Data   json.RawMessage   `json:"data"`
		}
		if json.Unmarshal(body, &resp) != nil {
			return answer
		}
		slices.SortFunc(resp.Errors, func(x, y json.RawMessage) int { return bytes.Compare(x, y) })
		out, _ := json.Marshal(resp.Errors)
		return slices.Concat(status, []byte(" "), out, []byte(" "), resp.Data)
	}
	return bytes.Equal(norm(a), norm(b))
}

func post(h http.Handler, body []byte) []byte {
	w := httptest.NewRecorder()
	r := httptest.NewRequest("POST", "/graphql", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(w, r)
	return fmt.Appendf(nil, "%d %s", w.Code, w.Body.Bytes())
}

// selectionGen writes random valid queries over a schema.
type selectionGen struct {
	rnd       *rand.Rand
	schema    *ast.Schema
	fragments []string // named fragments of the document being written
	n         int      // fields written in the document
	aliases   int      // aliases written in the document
	vars      map[string]bool
}

// skippedRoots are too slow to run hundreds of times (analyses of the
// whole network); the suite's own tests compare them.
var skippedRoots = []string{"centrality", "centralityChange", "communities"}

const (
	maxDepth  = 4
	maxWidth  = 4
	maxFields = 60
)

func (g *selectionGen) document() (string, map[string]any) {
	g.fragments, g.n, g.aliases, g.vars = nil, 0, 0, map[string]bool{}
	set := g.selection(g.schema.Query, 0)
	var decls []string
	vars := map[string]any{}
	for _, v := range []string{"yes", "no"} {
		if g.vars[v] {
			decls = append(decls, "$"+v+": Boolean!")
			vars[v] = v == "yes"
		}
	}
	doc := "query Random " + set
	if len(decls) > 0 {
		doc = "query Random(" + strings.Join(decls, ", ") + ") " + set
	}
	for _, f := range g.fragments {
		doc += "\n" + f
	}
	return doc, vars
}

// selection writes a selection set on def (an object, interface or union).
func (g *selectionGen) selection(def *ast.Definition, depth int) string {
	var parts []string
	if def.Kind == ast.Object || def.Kind == ast.Interface {
		fields := slices.DeleteFunc(slices.Clone(def.Fields), func(f *ast.FieldDefinition) bool {
			return strings.HasPrefix(f.Name, "__") || (def == g.schema.Query && slices.Contains(skippedRoots, f.Name))
		})
		for range 1 + g.rnd.IntN(maxWidth) {
			if f := fields[g.rnd.IntN(len(fields))]; g.n < maxFields {
				if part := g.field(f, depth); part != "" {
					parts = append(parts, part)
				}
			}
		}
	}
	if def.Kind != ast.Object && depth < maxDepth {
		possible := g.schema.GetPossibleTypes(def)
		for range g.rnd.IntN(3) {
			t := possible[g.rnd.IntN(len(possible))]
			inner := g.selection(t, depth+1)
			if g.rnd.IntN(3) == 0 {
				name := fmt.Sprintf("F%d", len(g.fragments))
				g.fragments = append(g.fragments, fmt.Sprintf("fragment %s on %s %s", name, t.Name, inner))
				parts = append(parts, "..."+name+g.directive())
			} else {
				parts = append(parts, "... on "+t.Name+g.directive()+" "+inner)
			}
		}
	}
	if g.rnd.IntN(4) == 0 || len(parts) == 0 {
		parts = append(parts, g.alias()+"__typename")
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

// field writes one field with arguments, or "" when it cannot be asked
// (a required argument the generator cannot fill, or too deep).
func (g *selectionGen) field(f *ast.FieldDefinition, depth int) string {
	t := g.schema.Types[f.Type.Name()]
	leaf := t.Kind == ast.Scalar || t.Kind == ast.Enum
	if !leaf && depth >= maxDepth {
		return ""
	}
	var args []string
	for _, a := range f.Arguments {
		v, ok := g.value(a)
		if !ok {
			if a.Type.NonNull && a.DefaultValue == nil {
				return ""
			}
			continue
		}
		if v != "" {
			args = append(args, a.Name+": "+v)
		}
	}
	g.n++
	out := g.alias() + f.Name
	if len(args) > 0 || !leaf {
		// Fields of a name merge only when their arguments are equal.
		out = g.uniqueAlias() + f.Name
	}
	if len(args) > 0 {
		out += "(" + strings.Join(args, ", ") + ")"
	}
	out += g.directive()
	if !leaf {
		out += " " + g.selection(t, depth+1)
	}
	return out
}

// alias gives a field an alias now and then, never one given before.
func (g *selectionGen) alias() string {
	if g.rnd.IntN(5) == 0 {
		return g.uniqueAlias()
	}
	return ""
}

func (g *selectionGen) uniqueAlias() string {
	if g.rnd.IntN(3) == 0 {
		return "" // the first of its name in most selections: merged with its twins when they are equal
	}
	g.aliases++
	return fmt.Sprintf("a%d: ", g.aliases)
}

func (g *selectionGen) directive() string {
	switch g.rnd.IntN(12) {
	case 0:
		return " @include(if: true)"
	case 1:
		return " @skip(if: true)"
	case 2:
		g.vars["yes"] = true
		return " @include(if: $yes)"
	case 3:
		g.vars["no"] = true
		return " @skip(if: $no)"
	}
	return ""
}

var (
	someIDs     = []string{`"caf-13"`, `"cccs"`, `"ucs-13"`, `"avenant-1"`, `"insee-13055"`, `"msa-provence-azur"`, `"unknown-id"`}
	someDates   = []string{`"2019"`, `"2015-06-01"`, `"2000"`, `"1994-07-25"`}
	someQueries = []string{`"centre"`, `"caf"`, `"leo lagrange"`, `"septemes"`}
)

// value returns a valid value for an argument ("" to leave an optional one
// out), false when the generator has none.
func (g *selectionGen) value(a *ast.ArgumentDefinition) (string, bool) {
	pick := func(xs []string) string { return xs[g.rnd.IntN(len(xs))] }
	optional := !a.Type.NonNull || a.DefaultValue != nil
	if optional && a.Name != "first" && g.rnd.IntN(2) == 0 { // pages are always small
		return "", true
	}
	t := g.schema.Types[a.Type.Name()]
	list := a.Type.Elem != nil
	one := func() (string, bool) {
		switch {
		case t.Kind == ast.Enum:
			return t.EnumValues[g.rnd.IntN(len(t.EnumValues))].Name, true
		case t.Name == "ID":
			return pick(someIDs), true
		case t.Name == "Date":
			return pick(someDates), true
		case t.Name == "Boolean":
			return pick([]string{"true", "false"}), true
		case t.Name == "Float":
			return "0.001", true
		case t.Name == "Int" && (a.Name == "depth" || a.Name == "maxDepth"):
			return fmt.Sprint(1 + g.rnd.IntN(2)), true
		case t.Name == "Int" && a.Name == "first":
			return fmt.Sprint(g.rnd.IntN(4)), true
		case t.Name == "Int" && !optional:
			return fmt.Sprint(1 + g.rnd.IntN(3)), true
		case t.Name == "String" && a.Name == "query":
			return pick(someQueries), true
		}
		return "", false // cursors, instants, inputs: left out
	}
	if a.Name == "last" || a.Name == "knownAt" || a.Name == "after" || a.Name == "before" {
		return "", optional
	}
	if !list {
		return one()
	}
	var vs []string
	for range 1 + g.rnd.IntN(2) {
		v, ok := one()
		if !ok {
			return "", optional
		}
		vs = append(vs, v)
	}
	return "[" + strings.Join(vs, ", ") + "]", true
}
