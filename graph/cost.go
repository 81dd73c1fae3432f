package graph

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/graph/model"
	"github.com/cccs13/cccs-graph/store"
)

// The cost of an operation is computed from its document before anything
// runs: a field costs one plus its children's cost times the number of items
// it may return, so nested lists multiply. The arithmetic saturates (a cost
// never wraps to a small number), introspection fields are priced like the
// others, and each fragment is costed once and reused, so the walk takes time
// linear in the document's size however its fragments spread.

// listGuess is the number of items assumed for a list field without `first`.
const listGuess = 20

// capped are list fields bounded by a cap rather than by `first`: they cost
// their cap times their children, so a neighbourhood costs what 500 nodes
// and 1000 relations would.
var capped = map[string]int{
	"Subgraph.nodes":          store.MaxSubgraphNodes,
	"Subgraph.depths":         store.MaxSubgraphNodes,
	"Subgraph.relations":      store.MaxSubgraphRelations,
	"Path.nodes":              store.MaxPathDepth + 1,
	"Path.relations":          store.MaxPathDepth,
	"Stats.nodesByKind":       len(domain.Kinds),
	"Stats.relationsByKind":   len(domain.RelKinds),
	"Stats.signatoriesByYear": store.MaxYears,
	"Query.facilityCoverage":  maxCoverageRows,
	"Diff.relationKinds":      len(domain.RelKinds),
	"Diff.nodeKinds":          len(domain.Kinds),
}

// work is the fixed cost of fields that walk or scan much of the graph
// whatever they return, so that many aliases of them are refused too: at the
// default limit (50,000, room for the full introspection of a growing schema)
// an operation holds at most 20 neighbourhoods or statistics.
var work = map[string]int{
	"Query.neighborhood":     2500,
	"Query.shortestPath":     1250,
	"Query.stats":            2500,
	"Query.timeline":         500,
	"Query.search":           125,
	"Query.facilityCoverage": 500,
	"Query.diff":             2500,
	"Query.communities":      5000,
}

// centralityWork is the fixed cost of one ranking: the measures that walk
// from every node cost more, so that an operation runs at most four of them.
func centralityWork(measure string) int {
	switch measure {
	case "BETWEENNESS", "CLOSENESS":
		return 11250
	}
	return 2500
}

// pricer prices the fields of one schema.
type pricer struct {
	schema *ast.Schema
	// introspection prices the lists of the introspection types at their
	// mean length in this schema (fields per type, arguments per field,
	// ...), so the full introspection query costs what its answer weighs and
	// many __schema aliases are refused like any other.
	introspection map[string]mean
	// refs[w] counts the type references (of fields and arguments) with
	// more than w wrappers (non-null, list), of refs[0] in all: the
	// `ofType` at depth w is priced at that share, the mean again.
	refs []int
}

// mean is a list's mean length, sum/n.
type mean struct{ sum, n int }

func newPricer(s *ast.Schema) *pricer {
	means := map[string]*mean{}
	add := func(key string, n int) {
		m := means[key]
		if m == nil {
			m = &mean{}
			means[key] = m
		}
		m.sum += n
		m.n++
	}
	for _, t := range s.Types {
		// Every type counts in every mean (with 0 where it has none of
		// them), since every type of __Schema.types is asked for each list:
		// an input object's fields are inputFields, and have no args.
		fields, inputs := len(t.Fields), 0
		if t.Kind == ast.InputObject {
			fields, inputs = 0, len(t.Fields)
		}
		add("__Type.fields", fields)
		add("__Type.inputFields", inputs)
		add("__Type.enumValues", len(t.EnumValues))
		add("__Type.interfaces", len(t.Interfaces))
		add("__Type.possibleTypes", len(s.PossibleTypes[t.Name]))
		if t.Kind != ast.InputObject {
			for _, f := range t.Fields {
				add("__Field.args", len(f.Arguments))
			}
		}
	}
	for _, d := range s.Directives {
		add("__Directive.args", len(d.Arguments))
		add("__Directive.locations", len(d.Locations))
	}
	p := &pricer{schema: s, introspection: map[string]mean{
		"__Schema.types":      {len(s.Types), 1},
		"__Schema.directives": {len(s.Directives), 1},
	}}
	for key, m := range means {
		p.introspection[key] = *m
	}
	ref := func(t *ast.Type) {
		for w := range wrappers(t) + 1 {
			if w == len(p.refs) {
				p.refs = append(p.refs, 0)
			}
			p.refs[w]++
		}
	}
	for _, t := range s.Types {
		for _, f := range t.Fields {
			ref(f.Type)
			for _, a := range f.Arguments {
				ref(a.Type)
			}
		}
	}
	return p
}

// wrappers counts the non-null and list wrappers of a type.
func wrappers(t *ast.Type) int {
	n := 0
	for ; t != nil; t = t.Elem {
		if t.NonNull {
			n++
		}
		if t.Elem != nil {
			n++
		}
	}
	return n
}

// price is the cost of field f of type parent (its definition def) given its
// children's cost.
func (c *coster) price(parent *ast.Definition, def *ast.FieldDefinition, f *ast.Field, child int) int {
	key := parent.Name + "." + f.Name
	base := satAdd(1+work[key], filterCost(c.anyArg(def, f, "filter")))
	switch key {
	case "Query.centrality": // one ranking
		base = satAdd(base, centralityWork(c.enumArg(def, f, "measure")))
	case "Query.centralityChange": // two
		base = satAdd(base, 2*centralityWork(c.enumArg(def, f, "measure")))
	}
	if n, ok := capped[key]; ok {
		return satAdd(base, satMul(n, child))
	}
	if m, ok := c.introspection[key]; ok {
		// child * sum / n, rounded up: the children of the mean item.
		return satAdd(base, satMul(child, m.sum)/m.n+1)
	}
	first, last := c.intArg(def, f, "first"), c.intArg(def, f, "last")
	n := 1
	switch {
	case key == "Query.nodes":
		n = c.listArgLen(def, f, "ids")
	case first > 0 || last > 0:
		// Larger pages are refused by the resolver with BAD_USER_INPUT.
		n = min(max(first, last), model.MaxPageSize)
	case def.Arguments.ForName("first") != nil:
		n = listGuess // a connection with the default page size
	case def.Type.Elem != nil && !isConnectionType(parent.Name):
		n = listGuess
	}
	return satAdd(base, satMul(n, child))
}

// isConnectionType reports whether a type's list fields are bounded by the
// `first` of the field that returned it (edges and nodes of a connection).
func isConnectionType(name string) bool {
	return len(name) > len("Connection") && name[len(name)-len("Connection"):] == "Connection"
}

// coster computes the cost of one operation. It resolves field definitions
// from the schema itself, so it runs before validation: unknown fields and
// fragments cost nothing here, and validation refuses them next.
type coster struct {
	*pricer
	doc   *ast.QueryDocument
	op    *ast.OperationDefinition
	vars  map[string]any
	frags map[string]int // the cost of each fragment, computed once
	// readVariable is set when a priced argument is a variable or holds
	// one: the cost then depends on the request, not on the document alone.
	readVariable bool
}

// Cost returns the cost of op, saturated at math.MaxInt. vars are the
// request's variables, coerced or as decoded from JSON.
func (p *pricer) Cost(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) int {
	n, _ := p.cost(doc, op, vars)
	return n
}

// cost is Cost, and whether it read a variable (else any request of this
// operation costs the same).
func (p *pricer) cost(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) (int, bool) {
	c := &coster{pricer: p, doc: doc, op: op, vars: vars, frags: map[string]int{}}
	root := p.schema.Query
	switch op.Operation {
	case ast.Mutation:
		root = p.schema.Mutation
	case ast.Subscription:
		root = p.schema.Subscription
	}
	if root == nil {
		return 0, false
	}
	return c.set(root, op.SelectionSet, 0), c.readVariable
}

// set is the cost of a selection set on type parent. wrap counts the
// `ofType` fields that led to it (0 but in introspection type references).
func (c *coster) set(parent *ast.Definition, set ast.SelectionSet, wrap int) int {
	total := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			total = satAdd(total, c.field(parent, s, wrap))
		case *ast.InlineFragment:
			on := parent
			if s.TypeCondition != "" {
				on = c.schema.Types[s.TypeCondition]
			}
			if on != nil {
				total = satAdd(total, c.set(on, s.SelectionSet, wrap))
			}
		case *ast.FragmentSpread:
			total = satAdd(total, c.fragment(s.Name))
		}
	}
	return total
}

func (c *coster) field(parent *ast.Definition, f *ast.Field, wrap int) int {
	def := c.definition(parent, f.Name)
	if def == nil {
		return 1 // __typename, or unknown (validation refuses it)
	}
	of := c.schema.Types[def.Type.Name()]
	if of == nil || len(f.SelectionSet) == 0 {
		return c.price(parent, def, f, 0)
	}
	if parent.Name == "__Type" && f.Name == "ofType" {
		return c.ofType(of, f, wrap)
	}
	return c.price(parent, def, f, c.set(of, f.SelectionSet, 0))
}

// definition is the definition of field name on parent, with the root's
// introspection fields.
func (c *coster) definition(parent *ast.Definition, name string) *ast.FieldDefinition {
	if parent == c.schema.Query {
		switch name {
		case "__schema":
			return &ast.FieldDefinition{Name: name, Type: ast.NonNullNamedType("__Schema", nil)}
		case "__type":
			return &ast.FieldDefinition{Name: name, Type: ast.NamedType("__Type", nil)}
		}
	}
	return parent.Fields.ForName(name)
}

// ofType is the cost of the `ofType` of a type reference wrapped wrap times
// so far: one, and its children times the share of references wrapped more.
func (c *coster) ofType(of *ast.Definition, f *ast.Field, wrap int) int {
	if wrap+1 >= len(c.refs) {
		return 1 // always null
	}
	child := c.set(of, f.SelectionSet, wrap+1)
	return satAdd(1, satMul(child, c.refs[wrap+1])/c.refs[0]+1)
}

// fragment is the cost of a named fragment, memoised; a cycle (which
// validation refuses) costs nothing more.
func (c *coster) fragment(name string) int {
	if n, ok := c.frags[name]; ok {
		return n
	}
	c.frags[name] = 0
	def := c.doc.Fragments.ForName(name)
	if def == nil {
		return 0
	}
	on := c.schema.Types[def.TypeCondition]
	if on == nil {
		return 0
	}
	n := c.set(on, def.SelectionSet, 0)
	c.frags[name] = n
	return n
}

func satAdd(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

func satMul(a, b int) int {
	if a != 0 && b > math.MaxInt/a {
		return math.MaxInt
	}
	return a * b
}

// argValue is the value of a field's argument: a literal, or a variable's
// value (its default when the request gives none).
func (c *coster) argValue(def *ast.FieldDefinition, f *ast.Field, name string) (lit *ast.Value, v any) {
	a := f.Arguments.ForName(name)
	if a == nil {
		if d := def.Arguments.ForName(name); d != nil && d.DefaultValue != nil {
			return d.DefaultValue, nil
		}
		return nil, nil
	}
	if a.Value.Kind != ast.Variable {
		return a.Value, nil
	}
	c.readVariable = true
	if v, ok := c.vars[a.Value.Raw]; ok {
		return nil, v
	}
	if d := c.op.VariableDefinitions.ForName(a.Value.Raw); d != nil && d.DefaultValue != nil {
		return d.DefaultValue, nil
	}
	return nil, nil
}

// anyArg is an argument's value as decoded JSON (maps, lists, strings,
// numbers), variables inside it resolved; nil when absent.
func (c *coster) anyArg(def *ast.FieldDefinition, f *ast.Field, name string) any {
	lit, v := c.argValue(def, f, name)
	if lit != nil {
		c.readVariable = c.readVariable || holdsVariable(lit, 0)
		v, _ = lit.Value(c.vars)
	}
	return v
}

// holdsVariable reports whether a literal holds a variable (filter: {kind:
// $k}); depth bounds the walk as the parser bounds the nesting.
func holdsVariable(v *ast.Value, depth int) bool {
	if v.Kind == ast.Variable || depth > maxInputDepth {
		return true
	}
	for _, c := range v.Children {
		if holdsVariable(c.Value, depth+1) {
			return true
		}
	}
	return false
}

// intArg is an integer argument, 0 when absent or not an integer.
func (c *coster) intArg(def *ast.FieldDefinition, f *ast.Field, name string) int {
	lit, v := c.argValue(def, f, name)
	if lit != nil {
		n, _ := strconv.Atoi(lit.Raw)
		return n
	}
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(min(max(n, math.MinInt32), math.MaxInt32))
	case float64:
		return int(min(max(n, math.MinInt32), math.MaxInt32))
	case json.Number:
		i, _ := strconv.Atoi(string(n))
		return i
	}
	return 0
}

// enumArg is an enum argument's value, "" when absent.
func (c *coster) enumArg(def *ast.FieldDefinition, f *ast.Field, name string) string {
	lit, v := c.argValue(def, f, name)
	if lit != nil {
		return lit.Raw
	}
	s, _ := v.(string)
	return s
}

// listArgLen is the length of a list argument, listGuess when unknown.
func (c *coster) listArgLen(def *ast.FieldDefinition, f *ast.Field, name string) int {
	lit, v := c.argValue(def, f, name)
	if lit != nil {
		if lit.Kind == ast.ListValue {
			return len(lit.Children)
		}
		return 1 // one value stands for a list of it
	}
	switch l := v.(type) {
	case []any:
		return len(l)
	case nil:
		return listGuess
	}
	return 1
}

// costError is the refusal of an operation that costs more than limit.
func costError(cost, limit int) *gqlerror.Error {
	shown := strconv.Itoa(cost)
	if cost == math.MaxInt {
		shown = "beyond counting"
	}
	err := gqlerror.Errorf("operation cost %s exceeds the limit of %d: ask for fewer items per page, fewer levels or fewer aliases", shown, limit)
	err.Extensions = map[string]any{"code": domain.ECOMPLEXITY, "cost": cost, "limit": limit}
	return err
}
