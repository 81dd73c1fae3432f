package geo

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/edge"
)

// Media types.
const (
	mediaJSON    = "application/json"
	mediaGeoJSON = "application/geo+json"
	mediaOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
	mediaSchema  = "application/schema+json"
	mediaMVT     = "application/vnd.mapbox-vector-tile"
	// mediaMapboxStyle is the type of a MapLibre (Mapbox GL) style document.
	mediaMapboxStyle = "application/vnd.mapbox.style+json"
)

// writeError answers with the OGC API exception body {code, description}.
func (h *handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	edge.WriteError(w, r, h.log, edge.OGC, err)
}

// notFound answers 404 for a path under /ogc or /geo that names nothing.
func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.writeError(w, r, domain.Errorf(domain.ENOTFOUND, "no resource at %.80q: start from /ogc", r.URL.Path))
}

// negotiate picks the offered media type the request asks for: the `f`
// parameter of its query q when given (json, geojson), else the Accept header (RFC 9110:
// highest q, then the order of offers). Returns NOT_ACCEPTABLE when nothing
// offered is acceptable, BAD_USER_INPUT for an unknown f.
func negotiate(r *http.Request, q url.Values, offers ...string) (string, error) {
	if f := q.Get("f"); f != "" {
		byName := map[string]string{"json": mediaJSON, "geojson": mediaGeoJSON}
		for _, o := range offers {
			if byName[f] == o {
				return o, nil
			}
		}
		return "", domain.Errorf(domain.EBADINPUT, "f=%s: this resource is offered as %s", f, strings.Join(offers, ", "))
	}
	accept := r.Header.Get("Accept")
	if strings.TrimSpace(accept) == "" {
		return offers[0], nil
	}
	best, bestQ := "", 0.0
	for _, o := range offers {
		if q := quality(accept, o); q > bestQ {
			best, bestQ = o, q
		}
	}
	if best == "" {
		return "", domain.Errorf(domain.ENOTACCEPTABLE, "Accept %q takes none of %s", accept, strings.Join(offers, ", "))
	}
	return best, nil
}

// quality is the q that an Accept header gives a media type: the q of the
// most specific range that matches it, 0 when none does.
func quality(accept, mediaType string) float64 {
	mediaType, _, _ = strings.Cut(mediaType, ";")
	typ, _, _ := strings.Cut(mediaType, "/")
	q, specificity := 0.0, -1
	for _, part := range strings.Split(accept, ",") {
		rng, params, _ := strings.Cut(part, ";")
		s := -1
		switch strings.ToLower(strings.TrimSpace(rng)) {
		case mediaType:
			s = 2
		case typ + "/*":
			s = 1
		case "*/*":
			s = 0
		}
		if s > specificity {
			specificity, q = s, qValue(params)
		}
	}
	return q
}

// qValue reads q from the parameters of an Accept range (1 when absent).
func qValue(params string) float64 {
	for _, p := range strings.Split(params, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(name, "q") {
			if q, err := strconv.ParseFloat(value, 64); err == nil {
				return q
			}
			return 0
		}
	}
	return 1
}

// prepared is a request past the steps every resource shares.
type prepared struct {
	p       params
	query   url.Values // the request's, parsed once
	media   string
	version uint64 // the data version the answer is of
}

// prepare reads the parameters (only the allowed ones), negotiates the media
// type among offers and reads the data version. ok is false when it has
// answered an error.
func (h *handler) prepare(w http.ResponseWriter, r *http.Request, offers []string, allowed ...string) (req prepared, ok bool) {
	var err error
	if r.URL.RawQuery != "" { // none: no map to make
		req.query = r.URL.Query()
	}
	req.p, err = parseParams(req.query, allowed...)
	if err == nil {
		req.media, err = negotiate(r, req.query, offers...)
	}
	if err == nil {
		req.version, err = h.s.DataVersion(r.Context())
	}
	if err != nil {
		h.writeError(w, r, err)
		return req, false
	}
	return req, true
}

// prepareIn is prepare for a resource of the collection named in the path.
// Returns NOT_FOUND for an unknown collection.
func (h *handler) prepareIn(w http.ResponseWriter, r *http.Request, offers []string, allowed ...string) (collection, prepared, bool) {
	c, err := findCollection(r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return c, prepared{}, false
	}
	req, ok := h.prepare(w, r, offers, allowed...)
	return c, req, ok
}

// writeJSON writes a JSON document (landing page, collections, ...), with
// & < > as they are (links hold queries).
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// logger returns l, or one that writes nowhere.
func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
