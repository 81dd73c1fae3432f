package graph

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// writeAnswer writes the bytes json.Marshal writes, for answers with and
// without errors, extensions and the fields of incremental delivery, with
// characters json.Marshal escapes, and for the answers of bench/shapes.
func TestAnswerBytesAreJSONMarshal(t *testing.T) {
	yes := true
	coded := &gqlerror.Error{Message: "no <such> node & co", Path: ast.Path{ast.PathName("node"), ast.PathIndex(2)},
		Locations: []gqlerror.Location{{Line: 1, Column: 3}}, Extensions: map[string]any{"code": "NOT_FOUND", "data": nil}}
	cases := map[string]*graphql.Response{
		"data":             {Data: json.RawMessage(`{"node":{"id":"caf-13","name":"Caf 13"}}`)},
		"escaped":          {Data: json.RawMessage("{\"name\":\"<b>A & B</b> \u2028\u2029 é ligature œ \\\" \\u003c\"}")},
		"null data":        {Errors: gqlerror.List{coded}},
		"data and errors":  {Data: json.RawMessage(`{"node":null}`), Errors: gqlerror.List{coded, {Message: "and 3 more errors"}}},
		"extensions":       {Data: json.RawMessage(`{}`), Extensions: map[string]any{"b": 1, "a": []any{"x", nil}}},
		"incremental":      {Data: json.RawMessage(`{"a":1}`), Label: "l", Path: ast.Path{ast.PathName("x")}, HasNext: &yes},
		"empty everything": {},
	}
	h := NewHandler(defaultDataset(t), Options{Limits: DefaultLimits})
	shapes, _ := filepath.Glob("../bench/shapes/*.graphql")
	for _, file := range shapes {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := json.Marshal(map[string]string{"query": string(src)})
		r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		var resp graphql.Response
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatal(err)
		}
		cases[filepath.Base(file)] = &resp
	}
	for name, resp := range cases {
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		writeAnswer(&got, resp)
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s:\n got %.300s\nwant %.300s", name, got.Bytes(), want)
		}
	}
}

// answerMedia answers as gqlgen's transports do.
func TestAnswerMedia(t *testing.T) {
	for accept, want := range map[string]string{
		"":                               mediaJSON,
		"application/json":               mediaJSON,
		"*/*":                            mediaJSON,
		"text/html, application/*;q=0.5": mediaJSON,
		mediaGraphQLResponse:             mediaGraphQLResponse,
		"text/html":                      mediaGraphQLResponse,
		"application/graphql-response+json, application/json": mediaGraphQLResponse,
		"bad;;, application/json":                             mediaJSON,
	} {
		if got := answerMedia(accept); got != want {
			t.Errorf("Accept %q: %s, want %s", accept, got, want)
		}
	}
}
