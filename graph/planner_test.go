package graph

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// The planner answers the queries it covers, and leaves to gqlgen what it
// does not (introspection, knownAt, mutations) and what meets an error; in
// shadow mode every answer it gives is compared with gqlgen's.
func TestPlannerCoverage(t *testing.T) {
	s := defaultDataset(t)
	h := NewHandler(s, Options{Limits: DefaultLimits, Introspection: true, Logger: slog.New(slog.DiscardHandler),
		At: func(v uint64) Reader { return s.At(v) }, Planner: PlannerShadow,
		PlannerMismatch: func(doc string, planned, reference []byte) {
			t.Errorf("the planner and gqlgen differ on %s:\n%.500s\n%.500s", doc, planned, reference)
		}})
	for _, c := range []struct {
		query, want string // planned, uncovered (gqlgen answers), fallback (an error: gqlgen answers)
	}{
		{`{ node(id: "caf-13") { id name ... on Organization { shortName } __typename } }`, "planned"},
		{`query Q($x: Boolean!) { organizations(first: 2) { nodes { id name @include(if: $x) } } }`, "planned"},
		{`{ nodes(ids: ["caf-13", "no-such-node"]) { id } }`, "planned"}, // a null in a nullable list
		{`{ __schema { queryType { name } } }`, "uncovered"},
		{`{ node(id: "caf-13", knownAt: "2030-01-01T00:00:00Z") { id } }`, "uncovered"},
		{`{ node(id: "caf-13") { id } a: node(id: "bad id with spaces") { id } }`, "fallback"},
		{`{ timeline(from: "2019", to: "2000") { totalCount } }`, "fallback"},
	} {
		before := map[string]int64{"planned": PlannerTotals.Planned.Load(), "uncovered": PlannerTotals.Uncovered.Load(),
			"fallback": PlannerTotals.Fallbacks.Load() - PlannerTotals.Uncovered.Load()}
		body, _ := json.Marshal(map[string]any{"query": c.query, "variables": map[string]any{"x": true}})
		answer := post(h, body)
		if strings.Contains(string(answer), `"INTERNAL"`) {
			t.Errorf("%s: %s", c.query, answer)
		}
		after := map[string]int64{"planned": PlannerTotals.Planned.Load(), "uncovered": PlannerTotals.Uncovered.Load(),
			"fallback": PlannerTotals.Fallbacks.Load() - PlannerTotals.Uncovered.Load()}
		for what := range before {
			want := int64(0)
			if what == c.want {
				want = 1
			}
			if got := after[what] - before[what]; got != want {
				t.Errorf("%s: %s moved by %d, want %d (answer %.200s)", c.query, what, got, want, answer)
			}
		}
	}
}

// Plans are kept per document and operation, bounded in bytes; a document
// whose directives take variables is planned for each run.
func TestPlanCache(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	opCtx := func(query string) *graphql.OperationContext {
		doc, err := gqlparser.LoadQuery(schema, query)
		if err != nil {
			t.Fatal(err)
		}
		return &graphql.OperationContext{RawQuery: query, Doc: doc, Operation: doc.Operations[0], Variables: map[string]any{"x": true}}
	}
	c := newPlanCache(1 << 12)
	plain := opCtx(`{ node(id: "caf-13") { id } }`)
	if c.plan(plain) != c.plan(plain) {
		t.Error("the same document was planned twice")
	}
	vars := opCtx(`query($x: Boolean!) { node(id: "caf-13") { id @include(if: $x) } }`)
	if c.plan(vars) == c.plan(vars) {
		t.Error("a document with variable directives was kept")
	}
	for i := range 100 {
		c.plan(opCtx(fmt.Sprintf(`{ node(id: "n%d") { id } }`, i)))
	}
	if c.plans.weight() > c.plans.maxBytes || c.plans.lru.Len() == 0 {
		t.Errorf("the plans weigh %d bytes (%d kept), bound %d", c.plans.weight(), c.plans.lru.Len(), c.plans.maxBytes)
	}
}

// The generated table covers every field of every object type of the
// schema but the introspection ones: a field left out would make every
// query that selects it run through gqlgen.
func TestPlannedFieldsCoverTheSchema(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	var missing []string
	for name, def := range schema.Types {
		if def.Kind != ast.Object || strings.HasPrefix(name, "__") || def == schema.Mutation || def == schema.Subscription {
			continue
		}
		for _, f := range def.Fields {
			if _, ok := plannedFields[name+"."+f.Name]; !ok && !strings.HasPrefix(f.Name, "__") {
				missing = append(missing, name+"."+f.Name)
			}
		}
	}
	if len(missing) > 0 {
		t.Errorf("fields the planner does not write: %v", missing)
	}
}
