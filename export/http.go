package export

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/edge"
	"github.com/cccs13/cccs-graph/etag"
)

// MaxBuilds is how many exports Handler builds at once; the excess is
// answered 503 with Retry-After at once. An export is held whole in memory
// until it is sent, twice its size or so (network.json: 2 MB for the
// default dataset, 200 MB at 100 times it), so the 32 requests in flight
// that the server admits would take several times its memory budget.
const MaxBuilds = 2

// Route is the pattern Handler serves.
const Route = "GET /export/{file}"

// contentTypes per format, with the file extension they are served under.
var contentTypes = map[string]string{
	FormatGraphML: "application/graphml+xml; charset=utf-8",
	FormatGEXF:    "application/gexf+xml; charset=utf-8",
	FormatCSV:     "text/csv; charset=utf-8; header=present",
	FormatParquet: "application/vnd.apache.parquet",
	FormatJSON:    "application/json; charset=utf-8",
}

// Handler serves the exports under Route: network.graphml, network.gexf,
// network.json, COLLECTION.csv and COLLECTION.parquet (relations among the
// collections), each with an optional ?asOf=DATE and ?kinds=KIND,KIND. It
// answers 404 for an unknown file or collection, 400 for a bad date or
// kind or another parameter (JSON errors with their code), and sets Content-Type, Content-Disposition and an ETag on the data
// version, so a client that has the file gets 304.
func Handler(s Reader, log *slog.Logger) http.Handler {
	builds := edge.NewPlaces(MaxBuilds)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		q := r.URL.Query()
		req, err := parseRequest(r.PathValue("file"), q.Get("asOf"), q.Get("kinds"))
		if err == nil {
			err = knownParameters(q)
		}
		if err != nil {
			httpError(w, log, r, err)
			return
		}
		version, err := s.DataVersion(ctx)
		if err != nil {
			httpError(w, log, r, err)
			return
		}
		if etag.NotModified(w, r, etag.Weak(version, r.URL.Path, req.AsOf.String(), fmt.Sprint(req.Kinds))) {
			return
		}
		if !builds.Take() {
			edge.RefuseBusy(w, edge.GraphQL, fmt.Sprintf("the server is busy: %d exports are being built; retry in a second", MaxBuilds))
			return
		}
		defer builds.Give()
		// Written to a buffer first, so a failure is still an error status.
		var buf bytes.Buffer
		if err := Write(ctx, &buf, s, req); err != nil {
			httpError(w, log, r, err)
			return
		}
		w.Header().Set("Content-Type", contentTypes[req.Format])
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", fileName(r.PathValue("file"), req.AsOf)))
		w.Write(buf.Bytes())
	})
}

// parseRequest reads a file name, an asOf and a kinds parameter. Returns
// ENOTFOUND for a file that is not an export, EBADINPUT for a bad date or
// kind.
func parseRequest(file, asOf, kinds string) (Request, error) {
	name, ext, _ := strings.Cut(file, ".")
	req := Request{Format: ext}
	switch {
	case tabular(ext):
		req.Collection = name
	case (ext == FormatGraphML || ext == FormatGEXF || ext == FormatJSON) && name == "network":
	default:
		return req, domain.Errorf(domain.ENOTFOUND, "no export %.80q: use network.graphml, network.gexf, network.json, COLLECTION.csv or COLLECTION.parquet with COLLECTION one of %s", file, strings.Join(Collections(), ", "))
	}
	if asOf != "" {
		d, err := ParseAsOf(asOf)
		if err != nil {
			return req, err
		}
		req.AsOf = d
	}
	if kinds != "" {
		ks, err := ParseKinds(kinds)
		if err != nil {
			return req, err
		}
		req.Kinds = ks
	}
	return req, req.Validate()
}

// knownParameters refuses a parameter other than asOf and kinds, as the
// maps do: a misspelt one (?asof=2019) would otherwise export the whole
// graph without a word; and one given twice. Returns EBADINPUT.
func knownParameters(q url.Values) error { return edge.Params(q, "an export", "asOf", "kinds") }

// ParseAsOf reads a date given to an export: a year, a month or a day, as
// the GraphQL Date scalar takes them. Returns EBADINPUT otherwise.
func ParseAsOf(s string) (domain.Date, error) {
	return domain.ParseQueryDate(s)
}

// fileName is the name a download is saved under: network-2015.graphml.
func fileName(file string, asOf domain.Date) string {
	if asOf.IsZero() {
		return file
	}
	name, ext, _ := strings.Cut(file, ".")
	return name + "-" + asOf.String() + "." + ext
}

// httpError answers with the status of err's code and a JSON body with its
// message and code, as the other endpoints (and the admission's 503 in
// front of this one) do; an internal error is logged and answered
// "internal error".
func httpError(w http.ResponseWriter, log *slog.Logger, r *http.Request, err error) {
	edge.WriteError(w, r, log, edge.GraphQL, err)
}
