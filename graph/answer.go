package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/cccs13/cccs-graph/edge"
)

// The GET and POST transports, as gqlgen's own but for how they write an
// answer: gqlgen's json.Marshal of the whole response re-reads and compacts
// the data it has just written (4 to 5 % of a large answer's CPU). Here the
// data is written as it is, the errors and extensions marshalled once, and
// the bytes are those of json.Marshal (TestAnswerBytesAreJSONMarshal).

// postTransport runs a POST with a JSON body (checkTransport checked it).
type postTransport struct{}

func (postTransport) Supports(r *http.Request) bool {
	media, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && r.Method == http.MethodPost && media == mediaJSON && r.Header.Get("Upgrade") == ""
}

func (postTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	start := graphql.Now()
	params := &graphql.RawParams{Headers: r.Header}
	if err := decodeJSON(edge.Body(r), params); err != nil {
		answerError(w, r, exec, http.StatusBadRequest, "the request body is not a GraphQL request")
		return
	}
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}
	run(w, r, exec, params, false)
}

// getTransport runs a query sent with GET.
type getTransport struct{}

func (getTransport) Supports(r *http.Request) bool {
	return r.Method == http.MethodGet && r.Header.Get("Upgrade") == ""
}

func (getTransport) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		answerError(w, r, exec, http.StatusBadRequest, "the query string is not URL-encoded")
		return
	}
	params := &graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName"), Headers: r.Header}
	params.ReadTime.Start = graphql.Now()
	if v := q.Get("variables"); v != "" && decodeJSON([]byte(v), &params.Variables) != nil {
		answerError(w, r, exec, http.StatusBadRequest, "variables could not be decoded")
		return
	}
	if v := q.Get("extensions"); v != "" && decodeJSON([]byte(v), &params.Extensions) != nil {
		answerError(w, r, exec, http.StatusBadRequest, "extensions could not be decoded")
		return
	}
	params.ReadTime.End = graphql.Now()
	run(w, r, exec, params, true)
}

// decodeJSON decodes a request's JSON, numbers kept as written (as gqlgen's
// transports do, so that variables coerce alike).
func decodeJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}

// run executes one operation and writes its answer; queryOnly refuses
// anything but a query (GET).
func run(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, params *graphql.RawParams, queryOnly bool) {
	media := answerMedia(r.Header.Get("Accept"))
	w.Header().Set("Content-Type", media)
	ctx := r.Context()
	oc, errs := exec.CreateOperationContext(ctx, params)
	if errs != nil {
		status := http.StatusOK
		if errcode.GetErrorKind(errs) == errcode.KindProtocol {
			status = http.StatusUnprocessableEntity
			if media == mediaGraphQLResponse {
				status = http.StatusBadRequest
			}
		}
		w.WriteHeader(status)
		writeAnswer(w, exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs))
		return
	}
	if op := oc.Doc.Operations.ForName(oc.OperationName); queryOnly && op.Operation != ast.Query {
		answerError(w, r, exec, http.StatusNotAcceptable, "GET requests only allow query operations")
		return
	}
	answers, ctx := exec.DispatchOperation(ctx, oc)
	writeAnswer(w, answers(ctx))
}

// answerError answers a request that runs nothing with one error, through
// the error presenter (checkTransport answers most such requests before).
func answerError(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor, status int, message string) {
	w.Header().Set("Content-Type", answerMedia(r.Header.Get("Accept")))
	w.WriteHeader(status)
	writeAnswer(w, exec.DispatchError(r.Context(), gqlerror.List{{Message: message}}))
}

// answerMedia is the media type of an answer: the first of application/json
// (or a wildcard) and application/graphql-response+json that Accept lists,
// application/json when it is empty, else application/graphql-response+json.
// (negotiate has made it one media type where q-values decide.)
func answerMedia(accept string) string {
	if accept == "" {
		return mediaJSON
	}
	for part := range strings.SplitSeq(accept, ",") {
		switch media, _, err := mime.ParseMediaType(strings.TrimSpace(part)); {
		case err != nil:
		case media == mediaJSON || media == "*/*" || media == "application/*":
			return mediaJSON
		case media == mediaGraphQLResponse:
			return mediaGraphQLResponse
		}
	}
	return mediaGraphQLResponse
}

// answerTail is what follows "data" in a response, in json.Marshal's order.
type answerTail struct {
	Label      string         `json:"label,omitempty"`
	Path       ast.Path       `json:"path,omitempty"`
	HasNext    *bool          `json:"hasNext,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// writeAnswer writes json.Marshal(resp) without re-reading resp.Data: gqlgen
// writes the data compact and valid, so only json.Marshal's escaping of <, >,
// & and U+2028/U+2029 is left to do (htmlEscape, which copies nothing when
// there is none). The data is written apart from what comes before it, so
// it is never copied into another buffer; an answer without data is one Write.
func writeAnswer(w io.Writer, resp *graphql.Response) {
	var b bytes.Buffer
	b.WriteByte('{')
	if len(resp.Errors) > 0 {
		b.WriteString(`"errors":`)
		b.Write(mustMarshal(resp.Errors))
		b.WriteByte(',')
	}
	b.WriteString(`"data":`)
	var tail []byte
	if t := mustMarshal(answerTail{resp.Label, resp.Path, resp.HasNext, resp.Extensions}); len(t) > 2 {
		t[0] = ','
		tail = t
	} else {
		tail = []byte{'}'}
	}
	if resp.Data == nil {
		b.WriteString("null")
		b.Write(tail)
		w.Write(b.Bytes())
		return
	}
	w.Write(b.Bytes())
	w.Write(htmlEscape(resp.Data))
	w.Write(tail)
}

// mustMarshal marshals what gqlgen answers with: errors and extensions of
// plain values, whose marshalling cannot fail (gqlgen panics too).
func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
