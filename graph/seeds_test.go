package graph

// The facts of the five seed documents (../shared/seeds/), asked through the
// API on the embedded default dataset. One table per document, in
// seed000_test.go to seed004_test.go; each row quotes the French text it
// checks, and its expected value is written from that text, not from the YAML.

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/cccs13/cccs-graph/store"
)

// seedFact is one statement of a seed document and how to ask it.
type seedFact struct {
	text string // what the seed says, quoted in French
	q    string // the GraphQL query
	// path says where the answer lies in the response data: field names
	// separated by dots, lists mapped over and flattened; a last segment
	// "{a,b.c}" joins several fields of each element with " | " (the values
	// of one field sorted and joined with ", "); "P - Q" is the set of values
	// of P that are not values of Q.
	path string
	// want is the expected answer: a string, int or bool for a single value,
	// nil for null or nothing, or a factSet, factSeq, factHas or factIncludes.
	want any
}

type (
	factSet      []string // the values, in any order
	factSeq      []string // the values, in this order
	factHas      []string // a single text containing each of these
	factIncludes []string // the values include each of these (and maybe others)
)

// onNode builds a query for fields of the node id seen as typ.
func onNode(id, typ, fields string) string {
	return fmt.Sprintf(`{ node(id: %q) { ... on %s { %s } } }`, id, typ, fields)
}

// joinedBetween is the fact that the signatories in force at now and not at
// before are want.
func joinedBetween(text, before, now string, want factSet) seedFact {
	q := fmt.Sprintf(`{ now: signatories(asOf: %q, first: 100) { nodes { id } }
		before: signatories(asOf: %q, first: 100) { nodes { id } } }`, now, before)
	return seedFact{text, q, "now.nodes.id - before.nodes.id", want}
}

// signatoryCount is the fact that want organisations are signatories at asOf.
func signatoryCount(text, asOf string, want int) seedFact {
	return seedFact{text, fmt.Sprintf(`{ signatories(asOf: %q) { totalCount } }`, asOf), "signatories.totalCount", want}
}

// checkFacts asks every fact of a table and compares the answers.
func checkFacts(t *testing.T, facts []seedFact) {
	t.Helper()
	c := newClient(defaultDataset(t))
	answers := map[string]any{}
	for _, f := range facts {
		data, ok := answers[f.q]
		if !ok {
			data = postQuery(t, c, f.q)
			answers[f.q] = data
		}
		if msg := compareFact(answerAt(data, f.path), f.want); msg != "" {
			t.Errorf("%q\n\tat %s: %s\n\tquery: %s", f.text, f.path, msg, f.q)
		}
	}
}

// postQuery runs a query that must succeed and returns its data.
func postQuery(t *testing.T, c *client.Client, q string) any {
	t.Helper()
	resp, err := c.RawPost(q)
	if err != nil {
		t.Fatalf("query failed: %v\n%s", err, q)
	}
	if len(resp.Errors) > 0 && string(resp.Errors) != "null" {
		t.Fatalf("query failed: %s\n%s", resp.Errors, q)
	}
	return resp.Data
}

// answerAt returns the values at path in data (see seedFact.path).
func answerAt(data any, path string) []any {
	if p, q, ok := strings.Cut(path, " - "); ok {
		minus := answerTexts(answerAt(data, q))
		return slices.DeleteFunc(answerAt(data, p), func(v any) bool { return slices.Contains(minus, answerText(v)) })
	}
	values := []any{data}
	for seg := range strings.SplitSeq(path, ".") {
		if strings.HasPrefix(seg, "{") {
			// The rest of the path is the list of fields to join.
			fields := strings.Split(strings.Trim(path[strings.Index(path, "{"):], "{}"), ",")
			var out []any
			for _, v := range values {
				parts := make([]string, len(fields))
				for i, f := range fields {
					vs := answerTexts(answerAt(v, f))
					slices.Sort(vs)
					parts[i] = strings.Join(vs, ", ")
				}
				out = append(out, strings.Join(parts, " | "))
			}
			return out
		}
		var next []any
		for _, v := range values {
			m, _ := v.(map[string]any)
			switch field := m[seg].(type) {
			case []any:
				next = append(next, field...)
			default:
				next = append(next, field)
			}
		}
		values = next
	}
	return values
}

// compareFact returns what is wrong with got, "" when it is want.
func compareFact(got []any, want any) string {
	switch w := want.(type) {
	case nil:
		if slices.ContainsFunc(got, func(v any) bool { return v != nil }) {
			return fmt.Sprintf("got %q, want nothing", answerTexts(got))
		}
	case factSet:
		g, e := sortedAnswerTexts(got), sortedAnswerTexts(w)
		if !slices.Equal(g, e) {
			return fmt.Sprintf("got %q, want %q", g, e)
		}
	case factSeq:
		if g, e := foldTexts(answerTexts(got)), foldTexts(w); !slices.Equal(g, e) {
			return fmt.Sprintf("got %q, want in this order %q", g, e)
		}
	case factIncludes:
		g := foldTexts(answerTexts(got))
		for _, e := range foldTexts(w) {
			if !slices.Contains(g, e) {
				return fmt.Sprintf("got %q, want it to include %q", g, e)
			}
		}
	case factHas:
		if len(got) != 1 || got[0] == nil {
			return fmt.Sprintf("got %q, want one text", answerTexts(got))
		}
		for _, e := range w {
			if !strings.Contains(foldText(answerText(got[0])), foldText(e)) {
				return fmt.Sprintf("got %q, want it to contain %q", answerText(got[0]), e)
			}
		}
	default:
		if len(got) != 1 || foldText(answerText(got[0])) != foldText(answerText(want)) {
			return fmt.Sprintf("got %q, want %q", answerTexts(got), answerText(want))
		}
	}
	return ""
}

// answerText renders an answer value as a string: numbers without a fraction, null
// as "<nil>".
func answerText(v any) string {
	switch x := v.(type) {
	case nil:
		return "<nil>"
	case string:
		return x
	case float64:
		if x == math.Trunc(x) {
			return fmt.Sprint(int64(x))
		}
	}
	return fmt.Sprint(v)
}

func answerTexts[T any](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = answerText(v)
	}
	return out
}

// foldText makes the comparison blind to case, accents, typographic
// apostrophes and line breaks: names in capitals ("Patrick BORE") and text
// broken over lines compare with their plain form.
func foldText(s string) string { return strings.Join(strings.Fields(store.Fold(s)), " ") }

func foldTexts(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = foldText(s)
	}
	return out
}

func sortedAnswerTexts[T any](vs []T) []string {
	out := foldTexts(answerTexts(vs))
	slices.Sort(out)
	return out
}

// federationIDs are the five federations d'éducation populaire, named at the head of Avenant n°1.
var federationIDs = factSet{"fail-13", "cco", "ifac", "leo-lagrange-mediterranee", "ucs-13"}

// unionOf returns the union of sets.
func unionOf(sets ...factSet) factSet {
	var out factSet
	for _, s := range sets {
		out = append(out, s...)
	}
	return out
}

// The test of the answer checker itself: a fact table must be able to fail.
func TestFactCheckerCanFail(t *testing.T) {
	data := map[string]any{"a": []any{
		map[string]any{"id": "x", "n": 1.0, "b": map[string]any{"c": "Été"}},
		map[string]any{"id": "y", "n": 2.0, "b": nil},
	}, "z": []any{map[string]any{"id": "x"}}}
	for _, tc := range []struct {
		path string
		want any
		ok   bool
	}{
		{"a.id", factSet{"y", "x"}, true},
		{"a.id", factSet{"x"}, false},
		{"a.id", factSeq{"x", "y"}, true},
		{"a.id", factSeq{"y", "x"}, false},
		{"a.id", factIncludes{"y"}, true},
		{"a.id", factIncludes{"w"}, false},
		{"a.id - z.id", "y", true},
		{"a.id - z.id", "x", false},
		{"a.n", factSet{"1", "2"}, true},
		{"a.{id,b.c}", factSet{"x | ete", "y | <nil>"}, true},
		{"a.{id,b.c}", factSet{"x | ete", "y | c"}, false},
		{"a.b.c", factHas{"ét"}, false}, // two values, one null
		{"z.id", "X", true},
		{"z.id", 1, false},
		{"z.missing", nil, true},
		{"z.id", nil, false},
	} {
		if msg := compareFact(answerAt(data, tc.path), tc.want); (msg == "") != tc.ok {
			t.Errorf("%s want %v: ok = %v (%s)", tc.path, tc.want, msg == "", msg)
		}
	}
}
