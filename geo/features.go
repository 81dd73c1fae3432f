package geo

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// link is a link of OGC API - Features.
type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// properties are the properties of a feature: those of an import layer
// (docs/maps.md), so that a downloaded layer imports back as it is.
type properties struct {
	Code    string `json:"code,omitempty"`
	Nom     string `json:"nom"`
	Type    string `json:"type"`
	Commune string `json:"commune,omitempty"`
}

// featureWriter writes GeoJSON Features with the stored geometry bytes.
type featureWriter struct {
	w        *bufio.Writer
	simplify float64 // 0: the stored geometry as it is
	n        int     // features written
}

func newFeatureWriter(w http.ResponseWriter, simplify float64) *featureWriter {
	return &featureWriter{w: bufio.NewWriterSize(w, 64<<10), simplify: simplify}
}

// raw writes JSON text as is.
func (fw *featureWriter) raw(s string) { fw.w.WriteString(s) }

// value writes v as JSON, with & < > as they are (links hold queries).
func (fw *featureWriter) value(v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	fw.w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return err
}

// feature writes one Feature; links are added for a single item.
func (fw *featureWriter) feature(f *store.Feature, links []link) error {
	if fw.n > 0 {
		fw.raw(",")
	}
	fw.n++
	fw.raw(`{"type":"Feature","id":`)
	fw.value(f.Node.ID)
	fw.raw(`,"bbox":`)
	fw.bbox(f.Geometry.BBox)
	fw.raw(`,"geometry":`)
	geometry := f.Geometry.GeoJSON
	if fw.simplify > 0 {
		var err error
		if geometry, err = store.SimplifyGeoJSON(geometry, fw.simplify); err != nil {
			return err
		}
	}
	fw.w.Write(geometry)
	fw.raw(`,"properties":`)
	err := fw.value(properties{Code: f.Node.Field("code"), Nom: f.Node.Name, Type: f.Node.Field("type"), Commune: f.Commune})
	if links != nil {
		fw.raw(`,"links":`)
		fw.value(links)
	}
	fw.raw("}")
	return err
}

// bbox writes a box as a JSON array.
func (fw *featureWriter) bbox(b store.BBox) {
	buf := make([]byte, 0, 64)
	for i, f := range b {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendFloat(buf, f, 'f', -1, 64)
	}
	fw.raw("[" + string(buf) + "]")
}

// selection is what a features request selects: every match, and the page.
type selection struct {
	matched []store.GeoEntry
	page    []store.GeoEntry
}

// selectFeatures runs the spatial query of a collection and cuts the page.
func (h *handler) selectFeatures(ctx context.Context, c collection, p params) (selection, error) {
	matched, err := h.s.GeoSearch(ctx, store.GeoQuery{Types: c.Types, BBox: p.bbox})
	if err != nil {
		return selection{}, err
	}
	page := matched[min(p.offset, len(matched)):]
	if p.limit > 0 {
		page = page[:min(p.limit, len(page))]
	}
	return selection{matched: matched, page: page}, nil
}

func (s selection) ids() []string {
	ids := make([]string, len(s.page))
	for i, e := range s.page {
		ids[i] = e.ID
	}
	return ids
}

// extent is the box around the page, false when it is empty.
func (s selection) extent() (store.BBox, bool) {
	if len(s.page) == 0 {
		return store.BBox{}, false
	}
	b := s.page[0].BBox
	for _, e := range s.page[1:] {
		b = b.Union(e.BBox)
	}
	return b, true
}

// streamFeatures writes the features of the page, then closes the
// collection. The status line is gone by then: a failure is logged and the
// truncated body tells the client.
func (h *handler) streamFeatures(r *http.Request, fw *featureWriter, sel selection) {
	err := h.s.Features(r.Context(), sel.ids(), func(f *store.Feature) error { return fw.feature(f, nil) })
	fw.raw("]}\n")
	if err == nil {
		err = fw.w.Flush()
	}
	if err != nil {
		h.log.ErrorContext(r.Context(), "geo: streaming features", "path", r.URL.Path, "error", err.Error())
	}
}

// geoJSON serves GET /geo/{collection}.geojson: a plain FeatureCollection
// for web maps, every feature unless limit says otherwise.
func (h *handler) geoJSON(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".geojson")
	if !ok {
		h.writeError(w, r, domain.Errorf(domain.ENOTFOUND, "no resource at %s: layers are /geo/{collection}.geojson, such as /geo/communes.geojson", r.URL.Path))
		return
	}
	c, err := findCollection(name)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	req, ok := h.prepare(w, r, []string{mediaGeoJSON, mediaJSON}, "bbox", "limit", "offset", "simplify")
	if !ok {
		return
	}
	sel, err := h.selectFeatures(r.Context(), c, req.p)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", req.media)
	fw := newFeatureWriter(w, req.p.simplify)
	fw.raw(`{"type":"FeatureCollection",`)
	if b, ok := sel.extent(); ok {
		fw.raw(`"bbox":`)
		fw.bbox(b)
		fw.raw(",")
	}
	fw.raw(`"features":[`)
	h.streamFeatures(r, fw, sel)
}

// items serves GET /ogc/collections/{id}/items: one page of features with
// numberMatched, numberReturned and next and prev links.
func (h *handler) items(w http.ResponseWriter, r *http.Request) {
	c, err := findCollection(r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	req, ok := h.prepare(w, r, []string{mediaGeoJSON, mediaJSON}, "f", "bbox", "limit", "offset")
	if !ok {
		return
	}
	p, media := req.p, req.media
	p.limit = min(cmp.Or(p.limit, defaultLimit), maxLimit)
	sel, err := h.selectFeatures(r.Context(), c, p)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", media)
	fw := newFeatureWriter(w, 0)
	fw.raw(`{"type":"FeatureCollection","numberMatched":` + strconv.Itoa(len(sel.matched)) +
		`,"numberReturned":` + strconv.Itoa(len(sel.page)) +
		`,"timeStamp":"` + time.Now().UTC().Format(time.RFC3339) + `","links":`)
	fw.value(itemsLinks(r, c, p, media, len(sel.matched)))
	fw.raw(`,"features":[`)
	h.streamFeatures(r, fw, sel)
}

// itemsLinks are self, alternate, next and prev (with the same bbox and
// limit) and the collection.
func itemsLinks(r *http.Request, c collection, p params, media string, matched int) []link {
	base := baseURL(r) + "/ogc/collections/" + c.ID
	page := func(offset int, f string) string {
		q := url.Values{}
		if p.bbox != nil {
			q.Set("bbox", r.URL.Query().Get("bbox"))
		}
		q.Set("limit", strconv.Itoa(p.limit))
		if offset > 0 {
			q.Set("offset", strconv.Itoa(offset))
		}
		q.Set("f", f)
		return base + "/items?" + q.Encode()
	}
	self, other := formats(media)
	links := []link{
		{Href: page(p.offset, self.f), Rel: "self", Type: self.media, Title: "This page"},
		{Href: page(p.offset, other.f), Rel: "alternate", Type: other.media, Title: "This page as " + other.media},
	}
	if p.offset+p.limit < matched {
		links = append(links, link{Href: page(p.offset+p.limit, self.f), Rel: "next", Type: self.media, Title: "Next page"})
	}
	if p.offset > 0 {
		links = append(links, link{Href: page(max(p.offset-p.limit, 0), self.f), Rel: "prev", Type: self.media, Title: "Previous page"})
	}
	return append(links, link{Href: base + "?f=json", Rel: "collection", Type: mediaJSON, Title: c.Title})
}

// format is a media type of features with its `f` value.
type format struct{ f, media string }

// formats returns the format of media and the other one.
func formats(media string) (this, other format) {
	geo, plain := format{"geojson", mediaGeoJSON}, format{"json", mediaJSON}
	if media == mediaJSON {
		return plain, geo
	}
	return geo, plain
}

// item serves GET /ogc/collections/{id}/items/{featureId}: one Feature.
func (h *handler) item(w http.ResponseWriter, r *http.Request) {
	c, err := findCollection(r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	req, ok := h.prepare(w, r, []string{mediaGeoJSON, mediaJSON}, "f")
	if !ok {
		return
	}
	media, id := req.media, r.PathValue("featureId")
	fw := newFeatureWriter(w, 0)
	err = h.s.Features(r.Context(), []string{id}, func(f *store.Feature) error {
		if c.Types != nil && !slices.Contains(c.Types, f.Node.Field("type")) {
			return nil
		}
		w.Header().Set("Content-Type", media)
		return fw.feature(f, itemLinks(r, c, id, media))
	})
	if err == nil && fw.n == 0 {
		err = domain.Errorf(domain.ENOTFOUND, "collection %s has no feature %q", c.ID, id)
	}
	if err != nil && fw.n == 0 {
		h.writeError(w, r, err)
		return
	}
	fw.raw("\n")
	if err == nil {
		err = fw.w.Flush()
	}
	if err != nil {
		h.log.ErrorContext(r.Context(), "geo: writing a feature", "path", r.URL.Path, "error", err.Error())
	}
}

func itemLinks(r *http.Request, c collection, id, media string) []link {
	base := baseURL(r) + "/ogc/collections/" + c.ID
	self, other := formats(media)
	href := base + "/items/" + url.PathEscape(id) + "?f="
	return []link{
		{Href: href + self.f, Rel: "self", Type: self.media, Title: "This feature"},
		{Href: href + other.f, Rel: "alternate", Type: other.media, Title: "This feature as " + other.media},
		{Href: base + "?f=json", Rel: "collection", Type: mediaJSON, Title: c.Title},
	}
}
