package graph

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/cccs13/cccs-graph/analysis"
	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/edge"
)

// Options configure the GraphQL handler.
type Options struct {
	Limits          Limits
	Introspection   bool
	Logger          *slog.Logger
	CacheBytes      int       // response bodies kept by the response cache; 0 switches it off
	QueryCacheBytes int       // parsed documents kept, weighed in bytes; 0 switches it off
	MaxBody         int64     // largest request body in bytes; 0 for DefaultMaxBody
	Counters        *Counters // counts what runs; nil when nobody reads them
	// Admit, when set, wraps the handler once the body is read: a slow
	// client does not hold a place while it sends.
	Admit func(http.Handler) http.Handler
	// HTTPMaxAge is how long, in seconds, a shared HTTP cache may serve a
	// GraphQL GET answer without asking again (Cache-Control: max-age).
	HTTPMaxAge int
	// TrustedDocuments, when not nil, are the only operations that run;
	// otherwise any query runs and APQ clients may persist theirs.
	TrustedDocuments TrustedDocuments
	// Writer takes the mutations; nil serves the graph read-only (every
	// mutation is FORBIDDEN).
	Writer Writer
	// At returns a reader of the graph as it stood at a data version, for
	// knownAt; nil answers knownAt as now.
	At func(version uint64) Reader
	// Planner says how queries run: planned (the default), through gqlgen
	// only, or both and compared (graph/planner.go).
	Planner PlannerMode
	// PlannerMismatch, in shadow mode, is told of each answer of the planner
	// that differs from gqlgen's (the tests fail on it).
	PlannerMismatch func(document string, planned, reference []byte)
}

// Counters count the work the handler does, for metrics and for the tests
// that prove a refused request ran nothing.
type Counters struct {
	RootFields atomic.Int64 // root fields resolved: each operation's work starts with one
}

// DefaultMaxBody is the request body limit when Options gives none.
const DefaultMaxBody = 1 << 20

func init() {
	// A refused operation is a protocol error: not executed, 4xx where the
	// client asked for application/graphql-response+json.
	errcode.RegisterErrorType(domain.ECOMPLEXITY, errcode.KindProtocol)
}

// NewHandler returns the GraphQL handler on s: POST and GET (queries only),
// limits, error codes, recovery, and loaders created per operation.
func NewHandler(s Reader, opts Options) http.Handler {
	return newHandler(&Resolver{Store: s, Writer: opts.Writer}, s, opts)
}

func newHandler(resolvers *Resolver, s Reader, opts Options) http.Handler {
	resolvers.Analysis = analysis.New(s, cmp.Or(opts.Limits.Analysis, analysis.DefaultLimits))
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// No AroundFields: a field middleware runs around every field of every
	// answer. The generated code calls these around their own fields only
	// (internal/generate/fieldhooks), the planner's too.
	es := NewExecutableSchema(Config{Resolvers: resolvers, Directives: DirectiveRoot{
		RootField: beforeRootField(opts.Counters),
		KnownAt:   knownAt(s, opts.At),
	}}).(*executableSchema)
	srv := handler.New(newPlannedSchema(es, s, opts, log))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(getTransport{}) // graph/answer.go
	srv.AddTransport(postTransport{})
	checks := &preflight{limits: opts.Limits, pricer: newPricer(es.Schema())}
	checks.cache = newQueryCache(opts.QueryCacheBytes, checks.checkDocument)
	srv.SetQueryCache(checks.cache)
	srv.SetParserTokenLimit(opts.Limits.Tokens)
	srv.SetDisableSuggestion(!opts.Introspection)
	// Persisted operations first: they give the document the others check.
	srv.Use(persistedQueries(opts.TrustedDocuments))
	// Refusals before validation (shape, inputs, cost), then introspection.
	srv.Use(checks)
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.Use(noIntrospection{})
	}
	srv.Use(enumVariables{es.Schema()})
	srv.AroundOperations(answerWhenStopped)
	srv.AroundResponses(boundAnswer(opts.Limits))
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil {
			markOperation(ctx, op)
			if op.Name != "" {
				setOperationName(ctx, op.Name)
			}
		}
		return next(withReader(ctx, s))
	})
	srv.SetErrorPresenter(presentError(log, !opts.Introspection, es.Schema()))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "resolver panic", "panic", p, "stack", string(debug.Stack()))
		return errors.New("panic in resolver")
	})
	h := jsonStatus(srv)
	if opts.CacheBytes > 0 {
		h = newResponseCache(h, s, log, opts.CacheBytes)
	}
	h = checkTransport(refuseGetMutations(newHTTPCache(h, s, log, opts.HTTPMaxAge)))
	if opts.Admit != nil {
		h = opts.Admit(h)
	}
	return edge.ReadBody(cmp.Or(opts.MaxBody, DefaultMaxBody), edge.GraphQL, h)
}

// presentError gives every error a code in extensions.code and a message of
// at most a few hundred bytes (without suggestions when the schema is private).
func presentError(log *slog.Logger, private bool, schema *ast.Schema) graphql.ErrorPresenterFunc {
	present := presentCode(log, schema)
	return func(ctx context.Context, err error) *gqlerror.Error {
		e := present(ctx, err)
		if private {
			e.Message = withoutSuggestions(e.Message)
		}
		e.Message = domain.Shorten(e.Message)
		return e
	}
}

// presentCode gives every error a code. Domain errors keep their message;
// anything else is logged and answered "internal error".
func presentCode(log *slog.Logger, schema *ast.Schema) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			if len(gqlErr.Path) > 0 && gqlErr.Extensions["code"] == nil {
				// Raised while executing (a null in a non-null field): our fault.
				log.ErrorContext(ctx, "execution error", "error", gqlErr.Message, "path", gqlErr.Path.String())
				gqlErr.Message = "internal error"
				return withCode(gqlErr, domain.EINTERNAL)
			}
			explainRequestError(ctx, schema, gqlErr)
			return withCode(gqlErr, requestErrorCode(gqlErr))
		}
		presented := graphql.DefaultErrorPresenter(ctx, err)
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			err = deadlineError(err) // a read stopped by the operation's context
		}
		var derr *domain.Error
		if errors.As(err, &derr) {
			presented.Message = derr.Message
			return withCode(presented, derr.Code)
		}
		log.ErrorContext(ctx, "internal error", "error", err.Error(), "path", presented.Path.String())
		presented.Message = "internal error"
		return withCode(presented, domain.EINTERNAL)
	}
}

// requestErrorCode maps gqlgen's own codes (parse, validation, complexity) to ours.
func requestErrorCode(e *gqlerror.Error) string {
	if code, _ := e.Extensions["code"].(string); code == domain.ECOMPLEXITY || code == domain.EFORBIDDEN || code == codePersistedQueryNotFound {
		return code
	}
	return domain.EBADINPUT
}

func withCode(e *gqlerror.Error, code string) *gqlerror.Error {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	if old, ok := e.Extensions["code"].(string); ok && old != code {
		e.Extensions["reason"] = old
	}
	e.Extensions["code"] = code
	return e
}

// jsonStatus answers 200 where gqlgen answers 422 to an application/json
// client: the GraphQL-over-HTTP spec wants 200 there, with errors in the body
// (application/graphql-response+json clients get 400 from gqlgen itself).
func jsonStatus(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&noDataOnRefusal{ResponseWriter: &statusRewriter{ResponseWriter: w}}, r)
	})
}

type statusRewriter struct{ http.ResponseWriter }

func (w *statusRewriter) WriteHeader(code int) {
	if code == http.StatusUnprocessableEntity && strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		code = http.StatusOK
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRewriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// checkTransport answers, with a coded JSON error, what no transport takes:
// another method (405), a POST body that is not JSON (415), or a request that
// is not a GraphQL request (400). The message never quotes the request:
// gqlgen's own would echo the body, with Go type names.
func checkTransport(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		negotiate(r)
		switch r.Method {
		case http.MethodOptions:
		case http.MethodGet:
			if msg := checkGetParams(r); msg != "" {
				requestError(w, http.StatusBadRequest, msg)
				return
			}
			if !hasDocument(r, nil) {
				requestError(w, http.StatusBadRequest, "no query: pass the document in the query parameter (or a persisted query's hash in extensions)")
				return
			}
		case http.MethodPost:
			media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if media != "application/json" {
				requestError(w, http.StatusUnsupportedMediaType, "POST a JSON body with Content-Type: application/json")
				return
			}
			if b := bytes.TrimSpace(edge.Body(r)); len(b) > 0 && b[0] == '[' {
				requestError(w, http.StatusBadRequest, "batched requests are not supported: POST one JSON object {query, variables, operationName} per request")
				return
			}
			if msg := checkPostBody(edge.Body(r)); msg != "" {
				requestError(w, http.StatusBadRequest, msg)
				return
			}
			if !hasDocument(r, edge.Body(r)) {
				requestError(w, http.StatusBadRequest, "no query: the body's query must be the document, a string (or give a persisted query's hash in extensions)")
				return
			}
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			requestError(w, http.StatusMethodNotAllowed, "use GET (queries) or POST")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// postShape is the message of a POST body that is not a GraphQL request.
const postShape = `the request body is not a GraphQL request: send a JSON object {"query": string, "operationName": string, "variables": object, "extensions": object}`

// checkPostBody returns what is wrong with a POST body, "" when it is a
// GraphQL request.
func checkPostBody(body []byte) string {
	var req map[string]json.RawMessage
	if err := json.Unmarshal(body, &req); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return "the request body is not valid JSON"
		}
		return postShape
	}
	for name, v := range req {
		var ok bool
		switch name {
		case "query", "operationName":
			ok = isJSON(v, '"')
		case "variables", "extensions":
			ok = isJSON(v, '{')
		default:
			ok = true // other members are ignored
		}
		if !ok {
			return postShape
		}
	}
	return ""
}

// checkGetParams returns what is wrong with a GET request's parameters, ""
// when variables and extensions are JSON objects.
func checkGetParams(r *http.Request) string {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return "the query string is not URL-encoded"
	}
	for _, name := range []string{"query", "operationName", "variables", "extensions"} {
		if n := len(q[name]); n > 1 { // only the first would run, whatever a cache or a log in front reads
			return "the " + name + " parameter is given " + strconv.Itoa(n) + " times"
		}
	}
	for _, name := range []string{"variables", "extensions"} {
		if v := q.Get(name); v != "" && !(json.Valid([]byte(v)) && isJSON([]byte(v), '{')) {
			return "the " + name + " parameter is not a JSON object"
		}
	}
	return ""
}

// isJSON reports whether a valid JSON value is null or starts with first
// (a string, an object).
func isJSON(v []byte, first byte) bool {
	v = bytes.TrimSpace(v)
	return len(v) > 0 && (v[0] == first || string(v) == "null")
}

// requestError answers a request no transport takes, with a coded GraphQL error.
func requestError(w http.ResponseWriter, status int, message string) {
	edge.Respond(w, edge.GraphQL, status, domain.EBADINPUT, message)
}
