package geo

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/internal/bytelru"
	"github.com/cccs13/cccs-graph/store"
)

// link is a link of OGC API - Features.
type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// featureWriter writes GeoJSON Features, territories with the stored
// geometry bytes where nothing asks to change them.
type featureWriter struct {
	w        *bufio.Writer
	simplify float64  // degrees; 0: the stored geometry as it is
	crs      *crs     // of the coordinates written
	promote  bool     // write Polygons as MultiPolygons (the collection mixes them)
	keep     []string // properties written; nil: all
	n        int      // features written
	outlines *bytelru.Cache[outlineKey, []byte]
	version  uint64 // the data version of the outlines
}

func (h *handler) newFeatureWriter(w io.Writer, req prepared) *featureWriter {
	p := req.p
	return &featureWriter{w: bufio.NewWriterSize(w, 64<<10), simplify: p.simplify, crs: p.crs, keep: p.keep,
		outlines: h.outlines, version: req.version}
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

// feature writes one Feature with its stored geometry (nil for a facility,
// whose geometry is its point); links are added for a single item.
func (fw *featureWriter) feature(f mapFeature, stored []byte, links []link) error {
	if fw.n > 0 {
		fw.raw(",")
	}
	fw.n++
	fw.raw(`{"type":"Feature",`)
	if links != nil {
		fw.legacyCRS()
	}
	fw.raw(`"id":`)
	fw.value(f.id)
	fw.raw(",")
	if err := fw.shape(f, stored); err != nil {
		return err
	}
	fw.raw(`,"properties":`)
	fw.properties(f.props.only(fw.keep))
	if links != nil {
		fw.raw(`,"links":`)
		fw.value(links)
	}
	fw.raw("}")
	return nil
}

// polygonPrefix starts every stored Polygon (store.marshalGeometry).
const polygonPrefix = `{"type":"Polygon","coordinates":`

// shape writes the bbox and geometry members of a feature: for a territory,
// the stored bytes when nothing changes them (a Polygon promoted to a
// MultiPolygon by rewriting its head), else the outline decoded, simplified
// and reprojected, with the box around what is written, kept in the outline
// cache; for a facility, its point.
func (fw *featureWriter) shape(f mapFeature, stored []byte) error {
	if f.facility != nil {
		fw.raw(`"geometry":`)
		if f.facility.point == nil {
			fw.raw("null")
			return nil
		}
		fw.w.Write(fw.coordinates(fw.crs.reproject(*f.facility.point)))
		return nil
	}
	if fw.simplify == 0 && fw.crs == crsCRS84 {
		fw.w.Write(fw.appendBBox([]byte(`"bbox":`), f.bbox))
		fw.raw(`,"geometry":`)
		if rest, ok := bytes.CutPrefix(stored, []byte(polygonPrefix)); ok && fw.promote {
			fw.raw(`{"type":"MultiPolygon","coordinates":[`)
			fw.w.Write(bytes.TrimSuffix(rest, []byte("}")))
			fw.raw("]}")
			return nil
		}
		fw.w.Write(stored)
		return nil
	}
	key := outlineKey{f.id, fw.crs, fw.simplify, fw.promote}
	if b, ok := fw.outlines.Get(fw.version, key); ok {
		fw.w.Write(b)
		return nil
	}
	mp, err := store.DecodeGeometry(stored)
	if err != nil {
		return err
	}
	mp = store.SimplifyPolygons(mp, fw.simplify)
	var g orb.Geometry = mp
	if len(mp) == 1 && !fw.promote && bytes.HasPrefix(stored, []byte(polygonPrefix)) {
		g = mp[0]
	}
	g = fw.crs.reproject(g)
	bound := g.Bound()
	b := fw.appendBBox([]byte(`"bbox":`), store.BBox{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]})
	b = append(append(b, `,"geometry":`...), fw.coordinates(g)...)
	fw.outlines.Put(fw.version, key, b)
	fw.w.Write(b)
	return nil
}

// outlineKey identifies an outline written otherwise than stored: in
// another CRS, simplified, or promoted to a MultiPolygon.
type outlineKey struct {
	id       string
	crs      *crs
	simplify float64
	promote  bool
}

// coordinates encodes a Point, Polygon or MultiPolygon with the precision
// of the CRS (centimetres for projected ones).
func (fw *featureWriter) coordinates(g orb.Geometry) []byte {
	buf := make([]byte, 0, 4096)
	buf = append(buf, `{"type":"`+g.GeoJSONType()+`","coordinates":`...)
	// list writes n items as a JSON array.
	list := func(n int, item func(i int)) {
		buf = append(buf, '[')
		for i := range n {
			if i > 0 {
				buf = append(buf, ',')
			}
			item(i)
		}
		buf = append(buf, ']')
	}
	point := func(p orb.Point) {
		buf = append(buf, '[')
		buf = strconv.AppendFloat(buf, p[0], 'f', fw.crs.precision, 64)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, p[1], 'f', fw.crs.precision, 64)
		buf = append(buf, ']')
	}
	polygon := func(p orb.Polygon) {
		list(len(p), func(i int) { list(len(p[i]), func(j int) { point(p[i][j]) }) })
	}
	switch g := g.(type) {
	case orb.Point:
		point(g)
	case orb.Polygon:
		polygon(g)
	case orb.MultiPolygon:
		list(len(g), func(i int) { polygon(g[i]) })
	}
	return append(buf, '}')
}

// properties writes the properties in schema order.
func (fw *featureWriter) properties(p props) {
	fw.raw("{")
	for i, x := range p {
		if i > 0 {
			fw.raw(",")
		}
		fw.value(x.name)
		fw.raw(":")
		fw.value(x.value)
	}
	fw.raw("}")
}

// bbox writes a box as a JSON array.
func (fw *featureWriter) bbox(b store.BBox) { fw.w.Write(fw.appendBBox(nil, b)) }

// appendBBox appends a box as a JSON array, with the precision of the CRS.
func (fw *featureWriter) appendBBox(buf []byte, b store.BBox) []byte {
	buf = append(buf, '[')
	for i, f := range b {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendFloat(buf, f, 'f', fw.crs.precision, 64)
	}
	return append(buf, ']')
}

// legacyCRS writes the GeoJSON 2008 `crs` member (of a collection, or of a
// single feature) for a CRS other than CRS84:
// RFC 7946 readers ignore it, and GDAL before 3.7 (which does not read
// Content-Crs) takes the coordinates' CRS from it.
func (fw *featureWriter) legacyCRS() {
	if fw.crs != crsCRS84 {
		fw.raw(`"crs":{"type":"name","properties":{"name":"` + fw.crs.Legacy + `"}},`)
	}
}

// extent is the box around features, false when there are none.
func extent(fs []mapFeature) (store.BBox, bool) {
	var b store.BBox
	found := false
	for _, f := range fs {
		if !f.hasBBox {
			continue
		}
		if !found {
			b, found = f.bbox, true
		}
		b = b.Union(f.bbox)
	}
	return b, found
}

// writeFeatures writes the features of the page, then closes the
// collection.
func (h *handler) writeFeatures(ctx context.Context, fw *featureWriter, page []mapFeature) error {
	if err := h.eachStored(ctx, page, func(f mapFeature, stored []byte) error { return fw.feature(f, stored, nil) }); err != nil {
		return err
	}
	fw.raw("]}\n")
	return fw.w.Flush()
}

// eachStored calls fn for each feature in order, with the stored geometry
// of a territory (valid during the call only; nil for a facility). A
// collection holds territories or facilities, never both.
func (h *handler) eachStored(ctx context.Context, fs []mapFeature, fn func(mapFeature, []byte) error) error {
	if len(fs) == 0 || fs[0].facility != nil {
		for _, f := range fs {
			if err := fn(f, nil); err != nil {
				return err
			}
		}
		return nil
	}
	ids := make([]string, len(fs))
	for i, f := range fs {
		ids[i] = f.id
	}
	i := 0
	return h.s.Features(ctx, ids, func(sf *store.Feature) error {
		for i < len(fs) && fs[i].id != sf.Node.ID {
			i++ // a territory whose geometry went away since the query
		}
		if i == len(fs) {
			return nil
		}
		i++
		return fn(fs[i-1], sf.Geometry.GeoJSON)
	})
}

// page cuts a page out of the matches.
func page(matched []mapFeature, p params) []mapFeature {
	out := matched[min(p.offset, len(matched)):]
	if p.limit > 0 {
		out = out[:min(p.limit, len(out))]
	}
	return out
}

// geoJSON serves GET /geo/{collection}.geojson: a plain FeatureCollection
// for web maps, every feature unless limit says otherwise.
func (h *handler) geoJSON(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".geojson")
	if !ok {
		h.writeError(w, r, domain.Errorf(domain.ENOTFOUND, "no resource at %.80s: layers are /geo/{collection}.geojson, such as /geo/communes.geojson", r.URL.Path))
		return
	}
	c, err := findCollection(name)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	req, ok := h.prepare(w, r, []string{mediaGeoJSON, mediaJSON}, geoParams...)
	if !ok {
		return
	}
	h.serve(w, r, req, func(ctx context.Context, out io.Writer) error {
		matched, err := h.selectFeatures(ctx, c, req)
		if err != nil {
			return err
		}
		pg := page(matched, req.p)
		fw := h.newFeatureWriter(out, req)
		fw.raw(`{"type":"FeatureCollection",`)
		if b, ok := extent(pg); ok {
			fw.raw(`"bbox":`)
			fw.bbox(b)
			fw.raw(",")
		}
		fw.raw(`"features":[`)
		return h.writeFeatures(ctx, fw, pg)
	})
}

// selectFeatures runs the query of a request on a collection.
func (h *handler) selectFeatures(ctx context.Context, c collection, req prepared) ([]mapFeature, error) {
	q, err := h.newQuery(ctx, c, req.p, req.version)
	if err != nil {
		return nil, err
	}
	return h.run(ctx, q)
}

// items serves GET /ogc/collections/{id}/items: one page of features with
// numberMatched, numberReturned and next and prev links.
func (h *handler) items(w http.ResponseWriter, r *http.Request) {
	c, req, ok := h.prepareIn(w, r, []string{mediaGeoJSON, mediaJSON}, append(slices.Clone(itemsParams), propertyParams...)...)
	if !ok {
		return
	}
	req.p.limit = min(cmp.Or(req.p.limit, defaultLimit), maxLimit)
	w.Header().Set("Content-Crs", "<"+req.p.crs.URI+">")
	h.serve(w, r, req, func(ctx context.Context, out io.Writer) error {
		matched, err := h.selectFeatures(ctx, c, req)
		if err != nil {
			return err
		}
		promote, err := h.promote(ctx, c, req.version)
		if err != nil {
			return err
		}
		pg := page(matched, req.p)
		fw := h.newFeatureWriter(out, req)
		fw.promote = promote
		fw.raw(`{"type":"FeatureCollection",`)
		fw.legacyCRS()
		// timeStamp: when the answer was made (it is then kept for the
		// data version).
		fw.raw(`"numberMatched":` + strconv.Itoa(len(matched)) +
			`,"numberReturned":` + strconv.Itoa(len(pg)) +
			`,"timeStamp":"` + time.Now().UTC().Format(time.RFC3339) + `","links":`)
		fw.value(h.itemsLinks(r, c, req.p, req.media, len(matched)))
		fw.raw(`,"features":[`)
		return h.writeFeatures(ctx, fw, pg)
	})
}

// itemsLinks are self, alternate, next and prev (with the same query) and
// the collection.
func (h *handler) itemsLinks(r *http.Request, c collection, p params, media string, matched int) []link {
	base := h.base + "/ogc/collections/" + c.ID
	page := func(offset int, f string) string {
		q := url.Values{}
		for name, vs := range r.URL.Query() {
			if name != "offset" && name != "f" && name != "limit" {
				q[name] = vs
			}
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
	if p.offset < matched-p.limit { // offset+limit would wrap for an offset near the largest int
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
	c, req, ok := h.prepareIn(w, r, []string{mediaGeoJSON, mediaJSON}, itemParams...)
	if !ok {
		return
	}
	id := r.PathValue("featureId")
	w.Header().Set("Content-Crs", "<"+req.p.crs.URI+">")
	h.serve(w, r, req, func(ctx context.Context, out io.Writer) error {
		matched, err := h.selectFeatures(ctx, c, req)
		if err != nil {
			return err
		}
		var found []mapFeature
		for _, f := range matched {
			if f.id == id {
				found = append(found, f)
			}
		}
		if len(found) == 0 {
			return domain.Errorf(domain.ENOTFOUND, "collection %s has no feature %.80q", c.ID, id)
		}
		promote, err := h.promote(ctx, c, req.version)
		if err != nil {
			return err
		}
		fw := h.newFeatureWriter(out, req)
		fw.promote = promote
		err = h.eachStored(ctx, found, func(f mapFeature, stored []byte) error {
			return fw.feature(f, stored, h.itemLinks(c, id, req.media))
		})
		if err != nil {
			return err
		}
		fw.raw("\n")
		return fw.w.Flush()
	})
}

func (h *handler) itemLinks(c collection, id, media string) []link {
	base := h.base + "/ogc/collections/" + c.ID
	self, other := formats(media)
	href := base + "/items/" + url.PathEscape(id) + "?f="
	return []link{
		{Href: href + self.f, Rel: "self", Type: self.media, Title: "This feature"},
		{Href: href + other.f, Rel: "alternate", Type: other.media, Title: "This feature as " + other.media},
		{Href: base + "?f=json", Rel: "collection", Type: mediaJSON, Title: c.Title},
	}
}
