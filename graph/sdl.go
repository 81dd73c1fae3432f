package graph

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/edge"
)

// SDL returns the schema as SDL, descriptions and directives included, in
// the canonical order of gqlparser's formatter (types by name): the text
// published at /schema.graphql and committed as schema.graphql.
var SDL = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatSchema(NewExecutableSchema(Config{}).Schema())
	return b.Bytes()
})

var sdlETag = sync.OnceValue(func() string {
	sum := sha256.Sum256(SDL())
	return `"` + hex.EncodeToString(sum[:16]) + `"`
})

// SchemaHandler serves the SDL for codegen tools and readers. A server with
// introspection switched off does not publish it either.
func SchemaHandler(introspection bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !introspection {
			edge.Respond(w, edge.Text, http.StatusNotFound, domain.ENOTFOUND, "the schema is not published on this server (introspection is switched off)")
			return
		}
		w.Header().Set("Content-Type", "application/graphql; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=300")
		w.Header().Set("ETag", sdlETag())
		http.ServeContent(w, r, "schema.graphql", time.Time{}, bytes.NewReader(SDL()))
	})
}
