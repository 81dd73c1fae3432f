package graph

import (
	"net/http"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// refuseGetMutations answers 405 to a mutation sent with GET: a link, a
// prefetch or a crawler must never write. Only GET requests whose query
// mentions "mutation" are parsed.
func refuseGetMutations(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			if q := r.URL.Query().Get("query"); strings.Contains(q, "mutation") && hasMutation(q) {
				w.Header().Set("Allow", "POST")
				requestError(w, http.StatusMethodNotAllowed, "mutations are sent with POST")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// hasMutation reports whether a document holds a mutation. A document that
// does not parse is left to the GraphQL handler, which says why.
func hasMutation(query string) bool {
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		return false
	}
	for _, op := range doc.Operations {
		if op.Operation == ast.Mutation {
			return true
		}
	}
	return false
}
