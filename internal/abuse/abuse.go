// Package abuse holds the hostile GraphQL requests the abuse suites send, in
// process (graph) and over HTTP to the real binary (package main): one table,
// so both prove the same refusals.
package abuse

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Case is one hostile (or once-hostile) request to /graphql and what the
// server must answer.
type Case struct {
	Name   string
	Method string // GET or POST
	// Body is the POST body; for GET, RawQuery is the URL's query string.
	Body     []byte
	RawQuery string
	// ContentType of a POST; application/json when empty.
	ContentType string

	Status int    // the HTTP status wanted
	Code   string // the extensions.code of the first error wanted
	// MaxAnswer bounds the answer's length in bytes: no amplification.
	MaxAnswer int
	// Private runs the case on a server with introspection switched off.
	Private bool
	// Forbid lists texts the answer must not hold (echoes, suggestions).
	Forbid []string
	// Executes is true for the cases that run (bounded) rather than being
	// refused before execution.
	Executes bool
}

// Post returns the JSON body of a GraphQL request.
func Post(query string, variables map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"query": query, "variables": variables})
	if err != nil {
		panic(err)
	}
	return b
}

// WrappedCost is ten nested relations(first: 500) levels: 500^10 items, a
// cost that wrapped past 2^63 to a small number in plain int64 arithmetic.
func WrappedCost() string {
	inner := "id"
	for range 10 {
		inner = fmt.Sprintf("relations(first: 500) { nodes { from { %s } } }", inner)
	}
	return fmt.Sprintf(`{ node(id: "cccs") { %s } }`, inner)
}

// FragmentBomb is ten spreads on each of eight levels of fragments: 10^8
// expansions for a walk that expands fragments where they are spread.
func FragmentBomb() string {
	var b strings.Builder
	b.WriteString(`{ node(id: "cccs") { ...F0 } }` + "\n")
	for level := range 8 {
		fmt.Fprintf(&b, "fragment F%d on Node { ", level)
		for i := range 10 {
			fmt.Fprintf(&b, "r%d: relations(first: 2) { nodes { from { ...F%d } } } ", i, level+1)
		}
		b.WriteString("}\n")
	}
	b.WriteString("fragment F8 on Node { id }\n")
	return b.String()
}

// IntrospectionAliases is n aliases of a __schema subtree.
func IntrospectionAliases(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " s%d: __schema { types { fields { name } } }", i)
	}
	b.WriteString(" }")
	return b.String()
}

// RepeatedFields is one selection set of n `id` fields.
func RepeatedFields(n int) string {
	return `{ node(id: "cccs") { ` + strings.Repeat("id ", n) + `} }`
}

// HugeCursor is a 200 KB variable used as a cursor by 400 aliases.
func HugeCursor() (query string, variables map[string]any) {
	var b strings.Builder
	b.WriteString("query($c: String) {")
	for i := range 400 {
		fmt.Fprintf(&b, " a%d: node(id: \"cccs\") { relations(after: $c) { totalCount } }", i)
	}
	b.WriteString(" }")
	return b.String(), map[string]any{"c": strings.Repeat("A", 200<<10)}
}

// HugeLiteral is a query with one 1 MB string literal.
func HugeLiteral(seed int) string {
	return fmt.Sprintf(`{ search(query: "%d%s") { totalCount } }`, seed, strings.Repeat("x", 1<<20-512))
}

// SchemaUnderFragments is __schema under n nested inline fragments.
func SchemaUnderFragments(n int) string {
	return "{ " + strings.Repeat("... on Query { ", n) + "__schema { queryType { name } }" + strings.Repeat(" }", n) + " }"
}

// Cases are the requests of the issue "Safe to expose", each with what the
// server must answer. Statuses are those an application/json client gets:
// 200 with errors in the body for GraphQL errors, 4xx for transport errors.
func Cases() []Case {
	const small = 4 << 10
	return []Case{
		{Name: "wrapped cost", Body: Post(WrappedCost(), nil), Status: 200, Code: "COMPLEXITY_LIMIT_EXCEEDED", MaxAnswer: small},
		{Name: "fragment bomb", Body: Post(FragmentBomb(), nil), Status: 200, Code: "COMPLEXITY_LIMIT_EXCEEDED", MaxAnswer: small},
		{Name: "introspection aliases", Body: Post(IntrospectionAliases(400), nil), Status: 200, Code: "COMPLEXITY_LIMIT_EXCEEDED", MaxAnswer: small},
		{Name: "repeated fields", Body: Post(RepeatedFields(4980), nil), Status: 200, Code: "COMPLEXITY_LIMIT_EXCEEDED", MaxAnswer: small},
		{Name: "huge cursor variable", Body: Post(HugeCursor()), Status: 200, Code: "BAD_USER_INPUT", MaxAnswer: small, Forbid: []string{"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}},
		{Name: "huge literal", Body: Post(HugeLiteral(0), nil), Status: 200, Code: "BAD_USER_INPUT", MaxAnswer: small, Forbid: []string{strings.Repeat("x", 100)}},
		{Name: "JSON array body", Body: []byte(`[` + strings.Repeat(`{"query":"{ __typename }"},`, 1000) + `{}]`), Status: 400, Code: "BAD_USER_INPUT", MaxAnswer: 1 << 10, Forbid: []string{"RawParams", "__typename"}},
		{Name: "string variables", Body: []byte(`{"query":"{ __typename }","variables":"` + strings.Repeat("v", 1<<20-100) + `"}`), Status: 400, Code: "BAD_USER_INPUT", MaxAnswer: 1 << 10, Forbid: []string{"RawParams", "vvvvvvvvvvvvvvvv"}},
		{Name: "GET string variables", Method: "GET", RawQuery: "query=%7B__typename%7D&variables=%22" + strings.Repeat("v", 2000) + "%22", Status: 400, Code: "BAD_USER_INPUT", MaxAnswer: 1 << 10, Forbid: []string{"vvvvvvvvvvvvvvvv"}},
		{Name: "not JSON", Body: []byte("query { __typename }"), Status: 400, Code: "BAD_USER_INPUT", MaxAnswer: 1 << 10, Forbid: []string{"__typename"}},
		{Name: "not a JSON post", Body: []byte(`{"query":"{ __typename }"}`), ContentType: "text/plain", Status: 415, Code: "BAD_USER_INPUT", MaxAnswer: 1 << 10},
		{Name: "over the token limit", Body: Post("{ "+strings.Repeat("__typename ", 6000)+"}", nil), Status: 200, Code: "BAD_USER_INPUT", MaxAnswer: small},
		{Name: "long invalid id", Body: Post(`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": strings.Repeat("Z", 10000)}), Status: 200, Code: "BAD_USER_INPUT", MaxAnswer: 1 << 10, Executes: true, Forbid: []string{strings.Repeat("Z", 100)}},
		{Name: "many bad ids", Body: Post(manyBadIDs(240), nil), Status: 200, Code: "BAD_USER_INPUT", MaxAnswer: 8 << 10, Executes: true},
		{Name: "suggestions when private", Private: true, Body: Post(`{ organizatons { totalCount } }`, nil), Status: 200, Code: "BAD_USER_INPUT", MaxAnswer: 1 << 10, Forbid: []string{"Did you mean", "organizations"}},
		{Name: "enum suggestions when private", Private: true, Body: Post(`{ organizations(orderBy: {field: NAM}) { totalCount } }`, nil), Status: 200, Code: "BAD_USER_INPUT", MaxAnswer: 1 << 10, Forbid: []string{"Did you mean", "NAME"}},
		{Name: "schema under 51 inline fragments", Private: true, Body: Post(SchemaUnderFragments(51), nil), Status: 200, Code: "FORBIDDEN", MaxAnswer: 1 << 10},
		{Name: "type under a fragment spread", Private: true, Body: Post(`{ ...Q } fragment Q on Query { ... on Query { __type(name: "Query") { name } } }`, nil), Status: 200, Code: "FORBIDDEN", MaxAnswer: 1 << 10},
	}
}

// manyBadIDs is n aliases each asking for an invalid id: n errors, of which
// the answer carries a bounded number.
func manyBadIDs(n int) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		fmt.Fprintf(&b, " a%d: node(id: \"Bad_Id_%d\") { id }", i, i)
	}
	b.WriteString(" }")
	return b.String()
}

// MaxErrors is the most errors an answer carries (the server's default),
// plus the one that sums up the rest.
const MaxErrors = 20 + 1

// Check returns what is wrong with an answer to the case: its status, its
// first error's code, its length, the number and length of its errors, and
// any forbidden text in it.
func (c Case) Check(status int, body []byte) []string {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if status != c.Status {
		bad("status %d, want %d: %.300s", status, c.Status, body)
	}
	var a struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal(body, &a); err != nil || len(a.Errors) == 0 {
		return append(problems, fmt.Sprintf("answer is not a GraphQL error: %v: %.300s", err, body))
	}
	if got := a.Errors[0].Extensions["code"]; got != c.Code {
		bad("code %v (%q), want %s", got, a.Errors[0].Message, c.Code)
	}
	if len(body) > c.MaxAnswer {
		bad("answer of %d bytes to a request of %d, want at most %d", len(body), len(c.Body)+len(c.RawQuery), c.MaxAnswer)
	}
	if len(a.Errors) > MaxErrors {
		bad("%d errors, want at most %d", len(a.Errors), MaxErrors)
	}
	// No answer shows a stack, a source file or a Go type.
	for _, f := range append([]string{"goroutine ", ".go:", "graphql.RawParams", "runtime."}, c.Forbid...) {
		if strings.Contains(string(body), f) {
			bad("answer holds %.40q: %.300s", f, body)
		}
	}
	for _, e := range a.Errors {
		if len(e.Message) > 340 {
			bad("a message of %d bytes", len(e.Message))
		}
	}
	return problems
}
