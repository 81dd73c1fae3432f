package geo

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// Vector tiles (OGC API - Tiles, tile matrix set WebMercatorQuad) of every
// collection, as Mapbox Vector Tiles with one layer named after the
// collection and the same properties as its features (nulls left out, the
// feature's id in `id`). Geometries are clipped to the tile with a buffer
// and simplified to a tile unit, so a tile weighs what its zoom shows.

// Tile limits: zoom levels served, and the buffer around a tile in tile
// units (of 4096), so that outlines do not show seams.
const (
	maxZoom    = 18
	tileBuffer = 64
	tileURI    = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
)

// tileCoords reads z, y and x and checks them against the matrix of zoom z.
// Returns BAD_USER_INPUT.
func tileCoords(r *http.Request) (maptile.Tile, error) {
	z, okZ := tileNumber(r.PathValue("z"))
	if !okZ || z > maxZoom {
		return maptile.Tile{}, domain.Errorf(domain.EBADINPUT, "tile zoom %.10q: an integer from 0 to %d", r.PathValue("z"), maxZoom)
	}
	size := 1 << z
	y, okY := tileNumber(r.PathValue("y"))
	// The column may end in .mvt or .pbf, for clients that go by the
	// extension (GDAL's MVT driver reads a remote tile so).
	col := strings.TrimSuffix(strings.TrimSuffix(r.PathValue("x"), ".mvt"), ".pbf")
	x, okX := tileNumber(col)
	if !okY || !okX || x >= size || y >= size {
		return maptile.Tile{}, domain.Errorf(domain.EBADINPUT, "tile row %.10q, column %.10q: at zoom %d both go from 0 to %d", r.PathValue("y"), r.PathValue("x"), z, size-1)
	}
	return maptile.New(uint32(x), uint32(y), maptile.Zoom(z)), nil
}

// tileNumber reads a tile coordinate written one way only, in decimal
// digits without a sign or a leading zero ("+2", "02" or a thousand zeros
// would name a tile again under another key of the map cache).
func tileNumber(s string) (int, bool) {
	if s == "" || len(s) > 6 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// mvtOffers are the media types of a tile.
var mvtOffers = []string{mediaMVT}

// tile serves GET /ogc/collections/{id}/tiles/WebMercatorQuad/{z}/{y}/{x}.
func (h *handler) tile(w http.ResponseWriter, r *http.Request) {
	t, err := tileCoords(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	c, req, ok := h.prepareIn(w, r, mvtOffers, tileParams...)
	if !ok {
		return
	}
	h.serve(w, r, req, func(ctx context.Context, out io.Writer) error {
		body, err := h.renderTile(ctx, c, t, req)
		if err == nil {
			_, err = out.Write(body) // none: 204 No Content
		}
		return err
	})
}

// renderTile selects the features that meet the tile (and its buffer) and
// encodes them.
func (h *handler) renderTile(ctx context.Context, c collection, t maptile.Tile, req prepared) ([]byte, error) {
	bound := t.Bound(float64(tileBuffer) / mvt.DefaultExtent)
	box := store.BBox{bound.Min[0], max(bound.Min[1], -85.06), bound.Max[0], min(bound.Max[1], 85.06)}
	box[0], box[2] = max(box[0], -180), min(box[2], 180)
	p := req.p
	p.bbox = &box
	q, err := h.newQuery(ctx, c, p, req.version)
	if err != nil {
		return nil, err
	}
	matched, err := h.run(ctx, q)
	if err != nil {
		return nil, err
	}
	fc := geojson.NewFeatureCollection()
	err = h.eachStored(ctx, matched, func(f mapFeature, stored []byte) error {
		var g orb.Geometry
		if f.facility != nil {
			g = *f.facility.point
		} else {
			mp, err := store.DecodeGeometry(stored)
			if err != nil {
				return err
			}
			g = mp
		}
		gf := geojson.NewFeature(g)
		gf.Properties["id"] = f.id
		for _, x := range f.props.only(p.keep) {
			if x.value != nil {
				gf.Properties[x.name] = x.value
			}
		}
		fc.Append(gf)
		return nil
	})
	if err != nil || len(fc.Features) == 0 {
		return nil, err
	}
	// The store's geometries are decoded for this tile only: projecting
	// changes them in place.
	layers := mvt.NewLayers(map[string]*geojson.FeatureCollection{c.ID: fc})
	layers.ProjectToTile(t)
	layers.Clip(orb.Bound{Min: orb.Point{-tileBuffer, -tileBuffer}, Max: orb.Point{mvt.DefaultExtent + tileBuffer, mvt.DefaultExtent + tileBuffer}})
	layers.Simplify(simplify.DouglasPeucker(1))
	layers.RemoveEmpty(1, 1)
	return mvt.Marshal(layers)
}

// tilesets serves GET /ogc/collections/{id}/tiles: the one tileset.
func (h *handler) tilesets(w http.ResponseWriter, r *http.Request) {
	c, err := findCollection(r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.serveDoc(w, r, []string{mediaJSON}, func(_ context.Context, base string, _ uint64) (any, error) {
		return map[string]any{
			"links":    []link{{Href: base + "/collections/" + c.ID + "/tiles", Rel: "self", Type: mediaJSON, Title: "Tilesets"}},
			"tilesets": []any{tilesetSummary(base, c)},
		}, nil
	})
}

func tilesetSummary(base string, c collection) map[string]any {
	href := base + "/collections/" + c.ID + "/tiles/WebMercatorQuad"
	return map[string]any{
		"title": c.Title, "dataType": "vector", "crs": crsWebMerc.URI, "tileMatrixSetURI": tileURI,
		"links": []link{
			{Href: href, Rel: "self", Type: mediaJSON, Title: c.Title + " (WebMercatorQuad)"},
			{Href: base + "/tileMatrixSets/WebMercatorQuad", Rel: "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme", Type: mediaJSON, Title: "WebMercatorQuad"},
			{Href: href + "/{tileMatrix}/{tileRow}/{tileCol}", Rel: "item", Type: mediaMVT, Title: "Vector tiles"},
			{Href: href + "/tilejson.json", Rel: "describedby", Type: mediaJSON, Title: "TileJSON"},
		},
	}
}

// tileset serves GET /ogc/collections/{id}/tiles/WebMercatorQuad: the OGC
// tileset metadata.
func (h *handler) tileset(w http.ResponseWriter, r *http.Request) {
	c, err := findCollection(r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.serveDoc(w, r, []string{mediaJSON}, func(_ context.Context, base string, _ uint64) (any, error) {
		doc := tilesetSummary(base, c)
		doc["tileMatrixSetLimits"] = []any{}
		return doc, nil
	})
}

// tileJSON serves GET /ogc/collections/{id}/tiles/WebMercatorQuad/tilejson.json:
// TileJSON 3.0.0, what MapLibre and QGIS read. The parameters go into the
// tile URL.
func (h *handler) tileJSON(w http.ResponseWriter, r *http.Request) {
	c, req, ok := h.prepareIn(w, r, []string{mediaJSON}, tileParams...)
	if !ok {
		return
	}
	h.serve(w, r, req, func(ctx context.Context, out io.Writer) error {
		bounds := store.BBox{-180, -85.05, 180, 85.05}
		if c.Facilities {
			nw, err := h.networks.get(ctx, h.s, req.version, req.p.when.asOf)
			if err != nil {
				return err
			}
			if b, ok := extent(query{c: c, nw: nw, w: req.p.when}.facilities()); ok {
				bounds = b
			}
		} else if b, ok := extentOf(c, h.s.GeoLayers(ctx)); ok {
			bounds = b
		}
		fields := map[string]string{"id": "String"}
		for _, d := range c.schema() {
			fields[d.Name] = map[string]string{"string": "String", "integer": "Number", "boolean": "Boolean"}[d.Type]
		}
		tiles := tileURL(h.base+"/ogc", c.ID, r.URL.Query())
		return writeJSON(out, map[string]any{
			"tilejson": "3.0.0", "name": c.ID, "description": c.Description, "scheme": "xyz",
			"tiles": []string{tiles}, "minzoom": 0, "maxzoom": maxZoom, "bounds": bounds[:],
			"center":        []float64{(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, 9},
			"vector_layers": []any{map[string]any{"id": c.ID, "description": c.Title, "fields": fields, "minzoom": 0, "maxzoom": maxZoom}},
			"attribution":   c.attribution(),
		})
	})
}

// tileMatrixSets serves GET /ogc/tileMatrixSets: WebMercatorQuad only.
func (h *handler) tileMatrixSets(w http.ResponseWriter, r *http.Request) {
	h.serveDoc(w, r, []string{mediaJSON}, func(_ context.Context, base string, _ uint64) (any, error) {
		return map[string]any{"tileMatrixSets": []any{map[string]any{
			"id": "WebMercatorQuad", "title": "Google Maps Compatible for the World", "uri": tileURI,
			"links": []link{{Href: base + "/tileMatrixSets/WebMercatorQuad", Rel: "self", Type: mediaJSON, Title: "WebMercatorQuad"}},
		}}}, nil
	})
}

// webMercatorQuad serves the definition of the tile matrix set (OGC 17-083r4).
func (h *handler) webMercatorQuad(w http.ResponseWriter, r *http.Request) {
	h.serveDoc(w, r, []string{mediaJSON}, func(context.Context, string, uint64) (any, error) {
		const origin = 20037508.3427892
		matrices := make([]any, maxZoom+1)
		for z := range maxZoom + 1 {
			n := 1 << z
			matrices[z] = map[string]any{
				"id": strconv.Itoa(z), "scaleDenominator": 559082264.028717 / float64(n), "cellSize": 156543.033928041 / float64(n),
				"cornerOfOrigin": "topLeft", "pointOfOrigin": []float64{-origin, origin},
				"tileWidth": 256, "tileHeight": 256, "matrixWidth": n, "matrixHeight": n,
			}
		}
		return map[string]any{
			"id": "WebMercatorQuad", "title": "Google Maps Compatible for the World", "uri": tileURI,
			"crs": crsWebMerc.URI, "orderedAxes": []string{"X", "Y"}, "tileMatrices": matrices,
		}, nil
	})
}

// tileURL is the URL template of a collection's tiles, for the style.
func tileURL(base, id string, q url.Values) string {
	u := base + "/collections/" + id + "/tiles/WebMercatorQuad/{z}/{y}/{x}"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}
