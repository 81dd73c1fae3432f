package geo

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// A CQL2 text filter (OGC 21-065), in the conformance classes Basic CQL2
// (comparisons, IS NULL, AND, OR, NOT, string, number, boolean, DATE and
// TIMESTAMP literals) and Basic Spatial Functions (S_INTERSECTS of the
// geometry with a POINT or a BBOX). The parser is bounded: the text, the
// nesting and the number of predicates have limits, and every error names
// the position and quotes a short prefix of what was there.

// Limits of a filter.
const (
	maxFilterLen        = 4096
	maxFilterDepth      = 32
	maxFilterPredicates = 128
	maxSpatialLiterals  = 16
)

// expr is a node of a parsed filter.
type expr interface{ isExpr() }

type (
	logical struct {
		op    string // AND, OR
		terms []expr
	}
	not        struct{ e expr }
	boolConst  struct{ v bool }
	comparison struct {
		op   string // = <> < <= > >=
		prop string
		lit  any // string, float64, bool, time.Time
	}
	isNull struct {
		prop string
		neg  bool
	}
	intersects struct {
		point *store.Point // one of point and box
		box   *store.BBox
	}
)

func (logical) isExpr()    {}
func (not) isExpr()        {}
func (boolConst) isExpr()  {}
func (comparison) isExpr() {}
func (isNull) isExpr()     {}
func (intersects) isExpr() {}

// token is a lexical token of CQL2 text.
type token struct {
	kind byte // 'i' identifier or keyword, 's' string, 'n' number, 'o' operator or punctuation, 0 end
	text string
	pos  int
}

// lex cuts the text into tokens.
func lex(src string) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRuneInString(src[i:])
		switch {
		case unicode.IsSpace(r):
			i += size
		case r == '\'':
			var b strings.Builder
			j := i + 1
			for ; ; j++ {
				if j >= len(src) {
					return nil, filterError(src, i, "a string is not closed by '")
				}
				if src[j] == '\'' {
					if j+1 < len(src) && src[j+1] == '\'' {
						b.WriteByte('\'')
						j++
						continue
					}
					break
				}
				b.WriteByte(src[j])
			}
			toks = append(toks, token{'s', b.String(), i})
			i = j + 1
		case r == '"':
			j := strings.IndexByte(src[i+1:], '"')
			if j < 0 {
				return nil, filterError(src, i, `a quoted property name is not closed by "`)
			}
			toks = append(toks, token{'i', src[i+1 : i+1+j], i})
			i += j + 2
		case r == '-' || r == '+' || r == '.' || unicode.IsDigit(r):
			j := i + 1
			for j < len(src) && numberPart(src[j], src[j-1]) {
				j++
			}
			if _, err := strconv.ParseFloat(src[i:j], 64); err != nil {
				return nil, filterError(src, i, "not a number")
			}
			toks = append(toks, token{'n', src[i:j], i})
			i = j
		case r == '_' || r == ':' || unicode.IsLetter(r):
			j := i
			for j < len(src) {
				r, size := utf8.DecodeRuneInString(src[j:])
				if !(r == '_' || r == ':' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
					break
				}
				j += size
			}
			toks = append(toks, token{'i', src[i:j], i})
			i = j
		default:
			op := string(r)
			if two := src[i:min(i+2, len(src))]; two == "<=" || two == ">=" || two == "<>" {
				op = two
			}
			if !strings.Contains("=<>(),", op[:1]) {
				return nil, filterError(src, i, "unexpected character")
			}
			toks = append(toks, token{'o', op, i})
			i += len(op)
		}
	}
	return append(toks, token{0, "", len(src)}), nil
}

// numberPart reports whether c, after prev, continues a number: digits, a
// point, an exponent and its sign.
func numberPart(c, prev byte) bool {
	switch {
	case c >= '0' && c <= '9', c == '.', c == 'e', c == 'E':
		return true
	case c == '-', c == '+':
		return prev == 'e' || prev == 'E'
	}
	return false
}

// filterError is a BAD_USER_INPUT naming a position of the filter and what
// stands there (a short prefix).
func filterError(src string, pos int, format string, args ...any) error {
	at := src[pos:]
	if len(at) > 24 {
		at = at[:24] + "..."
	}
	return domain.Errorf(domain.EBADINPUT, "filter: at character %d (%q): %s", pos+1, at, fmt.Sprintf(format, args...))
}

// parser reads a filter with a bound on nesting and predicates.
type parser struct {
	src        string
	toks       []token
	i          int
	depth      int
	predicates int
	spatial    int
	schema     []propDef
	crs        *crs // of the geometry literals
}

// parseFilter parses and checks a CQL2 text filter against the properties
// of a collection. Returns BAD_USER_INPUT.
func parseFilter(src string, schema []propDef, literalCRS *crs) (expr, error) {
	if len(src) > maxFilterLen {
		return nil, domain.Errorf(domain.EBADINPUT, "filter: %d bytes, at most %d", len(src), maxFilterLen)
	}
	if strings.TrimSpace(src) == "" {
		return nil, domain.Errorf(domain.EBADINPUT, "filter: empty")
	}
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{src: src, toks: toks, schema: schema, crs: literalCRS}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != 0 {
		return nil, p.errorf(t, "unexpected %q after a complete expression (combine conditions with AND or OR)", t.text)
	}
	return e, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != 0 {
		p.i++
	}
	return t
}

// keyword reports whether the next token is the keyword k, and takes it.
func (p *parser) keyword(k string) bool {
	if t := p.peek(); t.kind == 'i' && strings.EqualFold(t.text, k) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expect(op string) error {
	if t := p.next(); t.kind != 'o' || t.text != op {
		return p.errorf(t, "expected %q", op)
	}
	return nil
}

func (p *parser) errorf(t token, format string, args ...any) error {
	return filterError(p.src, t.pos, format, args...)
}

// or reads booleanTerm {OR booleanTerm}.
func (p *parser) or() (expr, error) { return p.logical("OR", p.and) }

// and reads booleanFactor {AND booleanFactor}.
func (p *parser) and() (expr, error) { return p.logical("AND", p.factor) }

func (p *parser) logical(op string, term func() (expr, error)) (expr, error) {
	e, err := term()
	if err != nil {
		return nil, err
	}
	terms := []expr{e}
	for p.keyword(op) {
		e, err := term()
		if err != nil {
			return nil, err
		}
		terms = append(terms, e)
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return logical{op, terms}, nil
}

// factor reads [NOT] primary.
func (p *parser) factor() (expr, error) {
	if p.depth++; p.depth > maxFilterDepth {
		return nil, p.errorf(p.peek(), "nested deeper than %d", maxFilterDepth)
	}
	defer func() { p.depth-- }()
	if p.keyword("NOT") {
		e, err := p.factor()
		return not{e}, err
	}
	t := p.peek()
	switch {
	case t.kind == 'o' && t.text == "(":
		p.next()
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		return e, p.expect(")")
	case t.kind == 'i' && (strings.EqualFold(t.text, "TRUE") || strings.EqualFold(t.text, "FALSE")):
		p.next()
		return boolConst{strings.EqualFold(t.text, "TRUE")}, nil
	case t.kind == 'i' && strings.EqualFold(t.text, "S_INTERSECTS"):
		p.next()
		return p.intersects()
	}
	return p.predicate()
}

// predicate reads property op literal, literal op property, or property IS
// [NOT] NULL.
func (p *parser) predicate() (expr, error) {
	if p.predicates++; p.predicates > maxFilterPredicates {
		return nil, p.errorf(p.peek(), "more than %d conditions", maxFilterPredicates)
	}
	left := p.next()
	if left.kind == 'i' && p.keyword("IS") {
		neg := p.keyword("NOT")
		if !p.keyword("NULL") {
			return nil, p.errorf(p.peek(), "expected NULL after IS")
		}
		def, err := p.property(left)
		return isNull{def.Name, neg}, err
	}
	op := p.next()
	if op.kind != 'o' || !slices.Contains([]string{"=", "<>", "<", "<=", ">", ">="}, op.text) {
		if op.kind == 'i' && slices.ContainsFunc([]string{"LIKE", "IN", "BETWEEN"}, func(k string) bool { return strings.EqualFold(k, op.text) }) {
			return nil, p.errorf(op, "%s is not supported: this server implements Basic CQL2 (=, <>, <, <=, >, >=, IS NULL, AND, OR, NOT) and S_INTERSECTS", strings.ToUpper(op.text))
		}
		return nil, p.errorf(op, "expected a comparison (=, <>, <, <=, >, >=) or IS NULL")
	}
	right := p.next()
	propTok, litTok, flipped := left, right, false
	if left.kind != 'i' || isLiteralKeyword(left.text) {
		propTok, litTok, flipped = right, left, true
	}
	def, err := p.property(propTok)
	if err != nil {
		return nil, err
	}
	lit, err := p.literal(litTok, def)
	if err != nil {
		return nil, err
	}
	o := op.text
	if flipped {
		o = map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<="}[o]
		if o == "" {
			o = op.text
		}
	}
	if _, isBool := lit.(bool); isBool && o != "=" && o != "<>" {
		return nil, p.errorf(op, "booleans are compared with = or <> only")
	}
	return comparison{o, def.Name, lit}, nil
}

// isLiteralKeyword reports whether an identifier token is a literal.
func isLiteralKeyword(s string) bool {
	return slices.ContainsFunc([]string{"TRUE", "FALSE", "DATE", "TIMESTAMP"}, func(k string) bool { return strings.EqualFold(k, s) })
}

// property checks that a token names a queryable property.
func (p *parser) property(t token) (propDef, error) {
	if t.kind != 'i' || isLiteralKeyword(t.text) {
		return propDef{}, p.errorf(t, "expected a property name")
	}
	i := slices.IndexFunc(p.schema, func(d propDef) bool { return d.Name == t.text })
	if i < 0 {
		names := make([]string, len(p.schema))
		for j, d := range p.schema {
			names[j] = d.Name
		}
		return propDef{}, p.errorf(t, "no queryable %q; the queryables are %s (and geometry, in S_INTERSECTS)", t.text, strings.Join(names, ", "))
	}
	return p.schema[i], nil
}

// literal reads the literal compared with a property, of the property's type.
func (p *parser) literal(t token, def propDef) (any, error) {
	want := def.Type
	if def.Format == "date" {
		want = "date"
	}
	switch {
	case t.kind == 's' && want == "string":
		return t.text, nil
	case t.kind == 's' && want == "date":
		return dateText(t.text), nil
	case t.kind == 'n' && want == "integer":
		f, _ := strconv.ParseFloat(t.text, 64)
		return f, nil
	case t.kind == 'i' && want == "boolean" && (strings.EqualFold(t.text, "TRUE") || strings.EqualFold(t.text, "FALSE")):
		return strings.EqualFold(t.text, "TRUE"), nil
	case t.kind == 'n' && want == "boolean" && (t.text == "1" || t.text == "0"):
		// GDAL's OGR SQL has no booleans: it sends 1 and 0.
		return t.text == "1", nil
	case t.kind == 'i' && want == "date" && (strings.EqualFold(t.text, "DATE") || strings.EqualFold(t.text, "TIMESTAMP")):
		return p.instant(t)
	}
	if t.kind == 0 {
		return nil, p.errorf(t, "expected a value to compare %s with", def.Name)
	}
	return nil, p.errorf(t, "%s is %s: compare it with %s", def.Name, article(want), example(want))
}

// instant reads the rest of DATE('...') or TIMESTAMP('...') as the date
// string it stands for (dates compare as YYYY-MM-DD text).
func (p *parser) instant(kw token) (any, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	s := p.next()
	if s.kind != 's' {
		return nil, p.errorf(s, "expected a quoted date")
	}
	layout := time.DateOnly
	if strings.EqualFold(kw.text, "TIMESTAMP") {
		layout = time.RFC3339
	}
	t, err := time.Parse(layout, s.text)
	if err != nil {
		return nil, p.errorf(s, "%s('%.30s') is not a valid %s", strings.ToUpper(kw.text), s.text, layout)
	}
	return t.UTC().Format(time.DateOnly), p.expect(")")
}

// dateText writes a date given as text as the dates of the properties are
// (YYYY-MM-DD, or the precision of the source, which compares as text):
// a date-time is cut to its day, and GDAL 3.6's "2019-06-27T" is read as
// 2019-06-27.
func dateText(s string) string {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Format(time.DateOnly)
	}
	if t, err := time.Parse(time.DateOnly, strings.TrimSuffix(s, "T")); err == nil {
		return t.Format(time.DateOnly)
	}
	return s
}

func article(typ string) string {
	return map[string]string{"string": "a string", "integer": "a number", "boolean": "a boolean", "date": "a date"}[typ]
}

func example(typ string) string {
	return map[string]string{"string": "a quoted string ('13055')", "integer": "a number (10)", "boolean": "TRUE or FALSE", "date": "DATE('2019-06-27') or '2019-06-27'"}[typ]
}

// intersects reads the rest of S_INTERSECTS(geometry, POINT(x y)|BBOX(...)).
func (p *parser) intersects() (expr, error) {
	if p.spatial++; p.spatial > maxSpatialLiterals {
		return nil, p.errorf(p.peek(), "more than %d spatial conditions", maxSpatialLiterals)
	}
	if err := p.expect("("); err != nil {
		return nil, err
	}
	if t := p.next(); t.kind != 'i' || t.text != "geometry" {
		return nil, p.errorf(t, "S_INTERSECTS takes the property geometry first")
	}
	if err := p.expect(","); err != nil {
		return nil, err
	}
	kw := p.next()
	var e intersects
	switch {
	case kw.kind == 'i' && strings.EqualFold(kw.text, "POINT"):
		nums, err := p.numbers(" ", 2)
		if err != nil {
			return nil, err
		}
		b, err := p.crs.boxFrom(store.BBox{nums[0], nums[1], nums[0], nums[1]})
		if err != nil {
			return nil, p.errorf(kw, "%s", domain.ErrorMessage(err))
		}
		e.point = &store.Point{Lon: b[0], Lat: b[1]}
	case kw.kind == 'i' && strings.EqualFold(kw.text, "BBOX"):
		nums, err := p.numbers(",", 4)
		if err != nil {
			return nil, err
		}
		b, err := p.crs.boxFrom(store.BBox{nums[0], nums[1], nums[2], nums[3]})
		if err != nil {
			return nil, p.errorf(kw, "%s", domain.ErrorMessage(err))
		}
		e.box = &b
	default:
		return nil, p.errorf(kw, "S_INTERSECTS takes a POINT(x y) or a BBOX(minx, miny, maxx, maxy) (Basic Spatial Functions)")
	}
	return e, p.expect(")")
}

// numbers reads (n sep n ...) with count numbers.
func (p *parser) numbers(sep string, count int) ([]float64, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	out := make([]float64, 0, count)
	for i := range count {
		if i > 0 && sep == "," {
			if err := p.expect(","); err != nil {
				return nil, err
			}
		}
		t := p.next()
		if t.kind != 'n' {
			return nil, p.errorf(t, "expected %d numbers", count)
		}
		f, _ := strconv.ParseFloat(t.text, 64)
		out = append(out, f)
	}
	return out, p.expect(")")
}

// tri is a truth value of CQL2's three-valued logic: a comparison with null
// is unknown.
type tri int8

const (
	unknown tri = iota
	isFalse
	isTrue
)

func truth(b bool) tri {
	if b {
		return isTrue
	}
	return isFalse
}

// spatialMatch answers S_INTERSECTS for a feature.
type spatialMatch func(e intersects) bool

// eval evaluates a filter on a feature's properties; the feature is kept
// when the result is true.
func eval(e expr, p props, spatial spatialMatch) tri {
	switch e := e.(type) {
	case logical:
		result := truth(e.op == "AND")
		for _, t := range e.terms {
			v := eval(t, p, spatial)
			switch {
			case e.op == "AND" && v == isFalse, e.op == "OR" && v == isTrue:
				return v
			case v == unknown:
				result = unknown
			}
		}
		return result
	case not:
		return map[tri]tri{isTrue: isFalse, isFalse: isTrue, unknown: unknown}[eval(e.e, p, spatial)]
	case boolConst:
		return truth(e.v)
	case isNull:
		v, _ := p.get(e.prop)
		return truth((v == nil) != e.neg)
	case intersects:
		return truth(spatial(e))
	case comparison:
		v, _ := p.get(e.prop)
		if v == nil {
			return unknown
		}
		return truth(compare(v, e.lit, e.op))
	}
	return unknown
}

// compare applies op to a property value and a literal of its type.
func compare(v, lit any, op string) bool {
	var c int
	switch l := lit.(type) {
	case string:
		s, _ := v.(string)
		c = strings.Compare(s, l)
	case float64:
		n, _ := v.(int)
		c = cmpFloat(float64(n), l)
	case bool:
		b, _ := v.(bool)
		c = map[bool]int{true: 0, false: 1}[b == l]
	}
	switch op {
	case "=":
		return c == 0
	case "<>":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// spatialTerms lists the S_INTERSECTS of a filter.
func spatialTerms(e expr) []intersects {
	switch e := e.(type) {
	case logical:
		var out []intersects
		for _, t := range e.terms {
			out = append(out, spatialTerms(t)...)
		}
		return out
	case not:
		return spatialTerms(e.e)
	case intersects:
		return []intersects{e}
	}
	return nil
}
