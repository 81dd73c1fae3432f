package graph

import (
	"context"
	"errors"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/cccs13/cccs-graph/analysis"
	"github.com/cccs13/cccs-graph/domain"
)

// Limits of one GraphQL request. Each is refused before execution, except
// the deadline and the answer size, which stop an operation that runs.
type Limits struct {
	Complexity    int // largest operation cost, lists multiplied by their page size
	Tokens        int // largest number of tokens the parser reads
	Selections    int // most fields and fragments in one document, counted as written
	SetSelections int // most selections in one selection set
	InputBytes    int // longest string in a variable or an argument
	Errors        int // most errors in one answer; the rest are summed up in one
	AnswerBytes   int // largest "data" of one answer
	// Analysis bounds the networks centrality and communities compute on;
	// zero for analysis.DefaultLimits.
	Analysis analysis.Limits
}

// DefaultLimits are generous for real pages and refuse abusive shapes.
var DefaultLimits = Limits{
	Complexity: 50000, Tokens: 5000, Selections: 1000, SetSelections: 250,
	InputBytes: 16 << 10, Errors: 20, AnswerBytes: 16 << 20, Analysis: analysis.DefaultLimits,
}

// preflight refuses, before validation and execution, documents with more
// selections than the limits (validation rules compare fields pairwise:
// 5,000 repeated fields cost seconds), with inputs too large, or whose
// operation costs more than the limit. It works on the parsed document,
// taken from the query cache when it is there, with what the checks found
// in it when it was kept (checkDocument): a known document is not walked
// again, only the request's variables are checked.
type preflight struct {
	limits Limits
	cache  *queryCache
	pricer *pricer
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = (*preflight)(nil)

func (*preflight) ExtensionName() string                   { return "Preflight" }
func (*preflight) Validate(graphql.ExecutableSchema) error { return nil }

func (l *preflight) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	if kept, ok := l.cache.docs.get(p.Query); ok {
		return l.checkKept(kept, p)
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, l.limits.Tokens)
	if err != nil {
		return nil // the executor parses again and reports the error
	}
	if err := l.checkSelections(doc); err != nil {
		return err
	}
	if op := doc.Operations.ForName(p.OperationName); op != nil {
		return l.checkOperation(doc, op, p.Variables)
	}
	return nil // the executor says which operation is missing
}

// checkOperation checks an operation's inputs and cost.
func (l *preflight) checkOperation(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) *gqlerror.Error {
	if err := checkInputs(doc, op, vars, l.limits.InputBytes); err != nil {
		return err
	}
	if cost := l.pricer.Cost(doc, op, vars); cost > l.limits.Complexity {
		return costError(cost, l.limits.Complexity)
	}
	return nil
}

// checkKept is checkOperation on a kept document: in the same order, the
// variables, then the literals and the cost as found when it was kept.
// What depends on the request (a cost that reads variables) or ends in a
// refusal is checked again, so each refusal is a new error.
func (l *preflight) checkKept(kept *checkedDocument, p *graphql.RawParams) *gqlerror.Error {
	op := kept.doc.Operations.ForName(p.OperationName)
	if op == nil {
		return nil
	}
	c, ok := kept.ops[op]
	if !ok || !c.literalsOK || c.costReadsVariables || c.cost > l.limits.Complexity {
		return l.checkOperation(kept.doc, op, p.Variables)
	}
	return checkVariables(p.Variables, l.limits.InputBytes)
}

// checkDocument runs, on a validated document the cache is about to keep,
// the checks of each operation that depend on the document alone.
func (l *preflight) checkDocument(doc *ast.QueryDocument) *checkedDocument {
	kept := &checkedDocument{doc: doc, ops: make(map[*ast.OperationDefinition]operationChecks, len(doc.Operations))}
	for _, op := range doc.Operations {
		c := operationChecks{literalsOK: checkLiterals(doc, op, l.limits.InputBytes) == nil}
		c.cost, c.costReadsVariables = l.pricer.cost(doc, op, nil)
		kept.ops[op] = c
	}
	return kept
}

// checkSelections counts a document's selections as written.
func (l *preflight) checkSelections(doc *ast.QueryDocument) *gqlerror.Error {
	var total, widest int
	var count func(ast.SelectionSet)
	count = func(set ast.SelectionSet) {
		total += len(set)
		widest = max(widest, len(set))
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				count(s.SelectionSet)
			case *ast.InlineFragment:
				count(s.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		count(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		count(f.SelectionSet)
	}
	switch {
	case total > l.limits.Selections:
		return limitError("the document has %d selections; at most %d", total, l.limits.Selections)
	case widest > l.limits.SetSelections:
		return limitError("a selection set has %d selections; at most %d", widest, l.limits.SetSelections)
	}
	return nil
}

func limitError(format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": domain.ECOMPLEXITY}
	return err
}

// queryCache keeps parsed and validated documents, bounded in bytes: each
// document weighs astWeight times its text, and texts longer than
// maxCachedQuery (huge literals) are not kept at all. Each is kept with the
// checks of its operations (check, the preflight's checkDocument; nil keeps
// none), made once when it is added: keyed by its text and each operation
// of it, they can serve no other document or operation.
type queryCache struct {
	docs  *byteLRU[string, *checkedDocument]
	check func(*ast.QueryDocument) *checkedDocument
}

// checkedDocument is a validated document and, per operation, what the
// preflight checks found in it that no request changes.
type checkedDocument struct {
	doc *ast.QueryDocument
	ops map[*ast.OperationDefinition]operationChecks
}

// operationChecks are the checks of one operation that depend on its
// document alone.
type operationChecks struct {
	literalsOK         bool // no argument written in it is over the input limits
	cost               int  // its cost without variables
	costReadsVariables bool // its cost depends on the request's variables: cost is not it
}

const (
	astWeight      = 16 // a parsed document's memory over its text's length (measured: 8 to 14)
	maxCachedQuery = 16 << 10
)

var _ graphql.Cache[*ast.QueryDocument] = (*queryCache)(nil)

func newQueryCache(maxBytes int, check func(*ast.QueryDocument) *checkedDocument) *queryCache {
	if check == nil {
		check = func(doc *ast.QueryDocument) *checkedDocument { return &checkedDocument{doc: doc} }
	}
	return &queryCache{newByteLRU(maxBytes, 0, func(q string, _ *checkedDocument) int { return astWeight * len(q) }), check}
}

func (c *queryCache) Get(_ context.Context, query string) (*ast.QueryDocument, bool) {
	if kept, ok := c.docs.get(query); ok {
		return kept.doc, true
	}
	return nil, false
}

func (c *queryCache) Add(_ context.Context, query string, doc *ast.QueryDocument) {
	if len(query) <= maxCachedQuery && c.docs.maxBytes > 0 {
		c.docs.add(query, c.check(doc))
	}
}

// Bytes is the weight of the documents kept.
func (c *queryCache) Bytes() int { return c.docs.weight() }

// beforeRootField runs before each root field (the @rootField hook): it
// refuses to resolve it once the operation's context is done
// (its deadline passed, or the client went away), and counts it. Below the root fields,
// every read looks at the context: the loaders before they answer, the store
// at the start of each call and every 256 steps of a scan or walk; what
// resolves in memory is bounded by the cost and answer limits.
func beforeRootField(c *Counters) func(ctx context.Context, obj any, next graphql.Resolver) (any, error) {
	return func(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
		if err := ctx.Err(); err != nil {
			return nil, deadlineError(err)
		}
		if c != nil {
			c.RootFields.Add(1)
		}
		return next(ctx)
	}
}

// deadlineError is the coded error of an operation stopped by its context.
func deadlineError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return domain.Errorf(domain.ETIMEOUT, "the operation took longer than this server allows and was stopped: ask for less")
	}
	return domain.Errorf(domain.ETIMEOUT, "the request was cancelled")
}

// answerWhenStopped answers TIMEOUT for an operation whose context ended
// before it ran: gqlgen's executor then gives no answer at all ("null").
func answerWhenStopped(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	h := next(ctx)
	answered := false
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		if resp == nil && !answered && ctx.Err() != nil {
			resp = &graphql.Response{Errors: gqlerror.List{codedError(deadlineError(ctx.Err()))}}
		}
		answered = true
		return resp
	}
}

// boundAnswer caps an answer: the number of its errors (the rest summed up in
// a last one) and the size of its data.
func boundAnswer(limits Limits) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		if resp == nil {
			return nil
		}
		if limits.AnswerBytes > 0 && len(resp.Data) > limits.AnswerBytes {
			resp.Data = nil
			resp.Errors = append(gqlerror.List{limitError("the answer is larger than %d bytes: ask for fewer items or fewer fields", limits.AnswerBytes)}, resp.Errors...)
		}
		if n := len(resp.Errors); limits.Errors > 0 && n > limits.Errors {
			rest := resp.Errors[limits.Errors:]
			more := gqlerror.Errorf("and %d more errors", len(rest))
			more.Extensions = map[string]any{"code": rest[0].Extensions["code"]}
			resp.Errors = append(resp.Errors[:limits.Errors:limits.Errors], more)
		}
		return resp
	}
}

func codedError(err error) *gqlerror.Error {
	e := gqlerror.Errorf("%s", domain.ErrorMessage(err))
	e.Extensions = map[string]any{"code": domain.ErrorCode(err)}
	return e
}

// withoutSuggestions drops the "Did you mean ...?" that validation adds to
// its messages: with introspection off, they would name the schema's fields,
// arguments and enum values one guess at a time.
func withoutSuggestions(msg string) string {
	if i := strings.Index(msg, " Did you mean"); i >= 0 {
		return msg[:i]
	}
	return msg
}
