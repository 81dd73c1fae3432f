package graph

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// do sends one request to h and returns the response and its body decoded.
func do(t *testing.T, h http.Handler, method, target, body string, header ...string) (*httptest.ResponseRecorder, map[string]json.RawMessage) {
	t.Helper()
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]json.RawMessage
	json.Unmarshal(rec.Body.Bytes(), &out)
	return rec, out
}

func firstCode(t *testing.T, answer map[string]json.RawMessage) (code, message string) {
	t.Helper()
	var errs []gqlError
	json.Unmarshal(answer["errors"], &errs)
	if len(errs) == 0 {
		return "", ""
	}
	code, _ = errs[0].Extensions["code"].(string)
	return code, errs[0].Message
}

func testHandler(s *store.Store, opts Options) http.Handler {
	opts.Limits, opts.Introspection, opts.Logger = DefaultLimits, true, slog.New(slog.DiscardHandler)
	return NewHandler(s, opts)
}

func TestMediaTypeNegotiation(t *testing.T) {
	h := testHandler(defaultDataset(t), Options{})
	for accept, want := range map[string]string{
		"": mediaJSON, "application/json": mediaJSON, "*/*": mediaJSON,
		"application/json, application/graphql-response+json":         mediaGraphQLResponse,
		"application/graphql-response+json, application/json;q=0.9":   mediaGraphQLResponse,
		"application/graphql-response+json;q=0.5, application/json":   mediaJSON,
		"application/graphql-response+json":                           mediaGraphQLResponse,
		"text/html, application/graphql-response+json;q=0.1, */*;q=0": mediaGraphQLResponse,
	} {
		rec, _ := do(t, h, http.MethodPost, "/graphql", `{"query":"{ __typename }"}`, "Accept", accept)
		if got := rec.Header().Get("Content-Type"); !strings.HasPrefix(got, want) {
			t.Errorf("Accept %q: Content-Type %q, want %s", accept, got, want)
		}
	}
}

func TestRefusedRequestsHaveNoData(t *testing.T) {
	h := testHandler(defaultDataset(t), Options{})
	for _, tc := range []struct {
		accept, query string
		status        int
	}{
		{mediaGraphQLResponse, `{ organizations {`, http.StatusBadRequest},
		{mediaGraphQLResponse, `{ nope }`, http.StatusBadRequest},
		{mediaJSON, `{ organizations {`, http.StatusOK},
		{mediaJSON, `{ nope }`, http.StatusOK},
	} {
		body, _ := json.Marshal(map[string]string{"query": tc.query})
		rec, answer := do(t, h, http.MethodPost, "/graphql", string(body), "Accept", tc.accept)
		if _, has := answer["data"]; has || rec.Code != tc.status || answer["errors"] == nil {
			t.Errorf("%s %s: %d %s, want %d with errors and no data", tc.accept, tc.query, rec.Code, rec.Body, tc.status)
		}
	}
	// An answer refused during execution keeps its data (null where it failed).
	_, answer := do(t, h, http.MethodPost, "/graphql", `{"query":"{ node(id: \"Bad Id\") { id } }"}`, "Accept", mediaGraphQLResponse)
	if _, has := answer["data"]; !has {
		t.Errorf("an execution error lost its data entry: %v", answer)
	}
	for _, r := range []struct{ method, target, body string }{
		{http.MethodGet, "/graphql", ""},
		{http.MethodGet, "/graphql?variables=%7B%7D", ""},
		{http.MethodPost, "/graphql", `{"qeury":"{ __typename }"}`},
		{http.MethodPost, "/graphql", `{"query": 42}`},
		{http.MethodPost, "/graphql", `{"query": ""}`},
	} {
		rec, answer := do(t, h, r.method, r.target, r.body)
		if code, msg := firstCode(t, answer); rec.Code != http.StatusBadRequest || code != domain.EBADINPUT ||
			!strings.HasPrefix(msg, "no query") && !strings.HasPrefix(msg, "the request body is not a GraphQL request") {
			t.Errorf("%s %s %s: %d %s, want 400 BAD_USER_INPUT", r.method, r.target, r.body, rec.Code, rec.Body)
		}
	}
}

const signatoriesQuery = `{ signatories(asOf: "2019-06-30") { totalCount } }`

func apqExtensions(hash string) string {
	return `{"persistedQuery":{"version":1,"sha256Hash":"` + hash + `"}}`
}

func TestAutomaticPersistedQueries(t *testing.T) {
	h := testHandler(defaultDataset(t), Options{})
	hash := documentHash(signatoriesQuery)
	ext := apqExtensions(hash)
	get := "/graphql?extensions=" + url.QueryEscape(ext)
	// Unknown hash: the client is told to send the document.
	for _, send := range []func() (*httptest.ResponseRecorder, map[string]json.RawMessage){
		func() (*httptest.ResponseRecorder, map[string]json.RawMessage) {
			return do(t, h, http.MethodPost, "/graphql", `{"extensions":`+ext+`}`)
		},
		func() (*httptest.ResponseRecorder, map[string]json.RawMessage) {
			return do(t, h, http.MethodGet, get, "")
		},
	} {
		rec, answer := send()
		if code, msg := firstCode(t, answer); code != codePersistedQueryNotFound || msg != "PersistedQueryNotFound" || rec.Header().Get("ETag") != "" {
			t.Fatalf("unknown hash: %d %s %s", rec.Code, rec.Header(), rec.Body)
		}
	}
	// Registered over GET with the document, then run by hash alone, GET and POST.
	rec, answer := do(t, h, http.MethodGet, get+"&query="+url.QueryEscape(signatoriesQuery), "")
	if rec.Code != 200 || !strings.Contains(string(answer["data"]), `"totalCount":23`) {
		t.Fatalf("registering: %d %s", rec.Code, rec.Body)
	}
	for _, send := range []func() (*httptest.ResponseRecorder, map[string]json.RawMessage){
		func() (*httptest.ResponseRecorder, map[string]json.RawMessage) {
			return do(t, h, http.MethodGet, get, "")
		},
		func() (*httptest.ResponseRecorder, map[string]json.RawMessage) {
			return do(t, h, http.MethodPost, "/graphql", `{"extensions":`+ext+`}`)
		},
	} {
		if rec, answer := send(); rec.Code != 200 || !strings.Contains(string(answer["data"]), `"totalCount":23`) {
			t.Errorf("by hash: %d %s", rec.Code, rec.Body)
		}
	}
	// A hash that is not the document's is refused.
	_, answer = do(t, h, http.MethodPost, "/graphql", `{"query":"{ __typename }","extensions":`+ext+`}`)
	if code, _ := firstCode(t, answer); code != domain.EBADINPUT {
		t.Errorf("mismatched hash: %s", answer["errors"])
	}
}

func TestTrustedDocuments(t *testing.T) {
	manifest := `{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id":"` + documentHash(signatoriesQuery) +
		`","name":"Signatories","type":"query","body":` + string(must(json.Marshal(signatoriesQuery))) + `}]}`
	codegen := `{"` + documentHash(signatoriesQuery) + `":` + string(must(json.Marshal(signatoriesQuery))) + `}`
	for _, file := range []string{manifest, codegen} {
		docs, err := ParseTrustedDocuments([]byte(file))
		if err != nil || len(docs) != 1 {
			t.Fatalf("ParseTrustedDocuments: %v %v", docs, err)
		}
	}
	if _, err := ParseTrustedDocuments([]byte(`{"` + strings.Repeat("0", 64) + `": "{ __typename }"}`)); err == nil {
		t.Error("a wrong hash was accepted")
	}
	docs, _ := ParseTrustedDocuments([]byte(codegen))
	h := testHandler(defaultDataset(t), Options{TrustedDocuments: docs})
	ext := apqExtensions(documentHash(signatoriesQuery))
	for name, body := range map[string]string{
		"by hash": `{"extensions":` + ext + `}`,
		"by text": `{"query":` + string(must(json.Marshal(signatoriesQuery))) + `}`,
	} {
		if rec, answer := do(t, h, http.MethodPost, "/graphql", body); !strings.Contains(string(answer["data"]), `"totalCount":23`) {
			t.Errorf("%s: %d %s", name, rec.Code, rec.Body)
		}
	}
	for body, want := range map[string]string{
		`{"query":"{ organizations { totalCount } }"}`:                  domain.EFORBIDDEN,
		`{"extensions":` + apqExtensions(strings.Repeat("a", 64)) + `}`: codePersistedQueryNotFound,
		// Registering by APQ is not possible in this mode.
		`{"query":"{ __typename }","extensions":` + apqExtensions(documentHash("{ __typename }")) + `}`: domain.EFORBIDDEN,
	} {
		if _, answer := do(t, h, http.MethodPost, "/graphql", body); func() string { c, _ := firstCode(t, answer); return c }() != want {
			t.Errorf("%s: %s, want %s", body, answer["errors"], want)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestGETAnswersAreCacheable(t *testing.T) {
	s := smallStore(t, "../store/testdata/small.yaml")
	h := testHandler(s, Options{HTTPMaxAge: 120, CacheBytes: 1 << 20})
	target := "/graphql?query=" + url.QueryEscape(`{ organizations { totalCount } }`)
	rec, _ := do(t, h, http.MethodGet, target, "")
	etag := rec.Header().Get("ETag")
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != "public, max-age=120" || etag == "" || rec.Header().Get("Vary") != "Accept" {
		t.Fatalf("GET: %d %v", rec.Code, rec.Header())
	}
	rec, _ = do(t, h, http.MethodGet, target, "", "If-None-Match", etag)
	if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 || rec.Header().Get("ETag") != etag {
		t.Errorf("If-None-Match: %d %q, want 304 with no body", rec.Code, rec.Body)
	}
	// Another request, another ETag; credentials make the answer private.
	other, _ := do(t, h, http.MethodGet, target+"%20", "")
	private, _ := do(t, h, http.MethodGet, target, "", "Authorization", "Bearer x")
	if other.Header().Get("ETag") == etag || private.Header().Get("Cache-Control") != "private, no-cache" || private.Header().Get("ETag") == etag {
		t.Errorf("other request: %v; with credentials: %v", other.Header(), private.Header())
	}
	// Errors and POST answers are not for caches.
	failed, _ := do(t, h, http.MethodGet, "/graphql?query="+url.QueryEscape(`{ node(id: "Bad Id") { id } }`), "")
	posted, _ := do(t, h, http.MethodPost, "/graphql", `{"query":"{ organizations { totalCount } }"}`)
	if failed.Header().Get("Cache-Control") != "no-store" || failed.Header().Get("ETag") != "" || posted.Header().Get("ETag") != "" {
		t.Errorf("error answer: %v; POST: %v", failed.Header(), posted.Header())
	}
	// An import changes the data version: the old ETag no longer matches.
	if _, err := s.Import(t.Context(), store.File{Name: "more.yaml", Data: []byte(`nodes:
  - id: delta
    kind: organization
    name: Delta
    fields: {category: association}
    sources: [{source: doc-a}]
`)}); err != nil {
		t.Fatal(err)
	}
	rec, answer := do(t, h, http.MethodGet, target, "", "If-None-Match", etag)
	if rec.Code != 200 || rec.Header().Get("ETag") == etag || !strings.Contains(string(answer["data"]), `"totalCount":4`) {
		t.Errorf("after an import: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
}
