package graph

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/cccs13/cccs-graph/analysis"
	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/edge"
	"github.com/cccs13/cccs-graph/loaders"
)

// Limits of one GraphQL request.
type Limits struct {
	Complexity int             // largest operation cost, lists multiplied by their page size
	Tokens     int             // largest number of tokens the parser reads
	Analysis   analysis.Limits // the size of the networks centrality and communities compute on; zero for the defaults
}

// DefaultLimits are generous for real pages and refuse abusive nesting.
var DefaultLimits = Limits{Complexity: 20000, Tokens: 5000, Analysis: analysis.DefaultLimits}

// Options configure the GraphQL handler.
type Options struct {
	Limits        Limits
	Introspection bool
	Logger        *slog.Logger
	CacheEntries  int   // responses kept by the response cache; 0 switches it off
	MaxBody       int64 // largest request body in bytes; 0 for DefaultMaxBody
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
	return newHandler(&Resolver{Store: s}, s, opts)
}

func newHandler(resolvers *Resolver, s Reader, opts Options) http.Handler {
	resolvers.Analysis = analysis.New(s, cmp.Or(opts.Limits.Analysis, analysis.DefaultLimits))
	es := NewExecutableSchema(Config{Resolvers: resolvers})
	srv := handler.New(costSchema{es})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(opts.Limits.Tokens)
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.Use(noIntrospection{})
	}
	srv.Use(&extension.ComplexityLimit{Func: func(context.Context, *graphql.OperationContext) int {
		return opts.Limits.Complexity
	}})
	srv.AroundFields(limitInputLists)
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		if op := graphql.GetOperationContext(ctx).Operation; op != nil && op.Name != "" {
			setOperationName(ctx, op.Name)
		}
		return next(loaders.With(ctx, loaders.New(s)))
	})
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv.SetErrorPresenter(presentError(log))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "resolver panic", "panic", p, "stack", string(debug.Stack()))
		return errors.New("panic in resolver")
	})
	h := jsonStatus(srv)
	if opts.CacheEntries > 0 {
		h = newResponseCache(h, s, log, opts.CacheEntries)
	}
	return edge.ReadBody(cmp.Or(opts.MaxBody, DefaultMaxBody), edge.GraphQL, checkTransport(h))
}

// presentError gives every error a code in extensions.code. Domain errors keep
// their message; anything else is logged and answered "internal error".
func presentError(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		if errors.As(err, &gqlErr) && gqlErr.Err == nil {
			if len(gqlErr.Path) > 0 && gqlErr.Extensions["code"] == nil {
				// Raised while executing (a null in a non-null field): our fault.
				log.ErrorContext(ctx, "execution error", "error", gqlErr.Message, "path", gqlErr.Path.String())
				gqlErr.Message = "internal error"
				return withCode(gqlErr, domain.EINTERNAL)
			}
			return withCode(gqlErr, requestErrorCode(gqlErr))
		}
		presented := graphql.DefaultErrorPresenter(ctx, err)
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
	if code, _ := e.Extensions["code"].(string); code == domain.ECOMPLEXITY || code == domain.EFORBIDDEN {
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
		next.ServeHTTP(&statusRewriter{ResponseWriter: w}, r)
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
// another method (405), a POST body that is not JSON (415), or not valid JSON
// (400, without echoing the body as gqlgen's own message would).
func checkTransport(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodOptions:
		case http.MethodPost:
			media, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if media != "application/json" {
				requestError(w, http.StatusUnsupportedMediaType, "POST a JSON body with Content-Type: application/json")
				return
			}
			if !json.Valid(edge.Body(r)) {
				requestError(w, http.StatusBadRequest, "the request body is not valid JSON")
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

// requestError answers a request no transport takes, with a coded GraphQL error.
func requestError(w http.ResponseWriter, status int, message string) {
	edge.Respond(w, edge.GraphQL, status, domain.EBADINPUT, message)
}
