package geo

import (
	"context"
	"io"
	"net/http"
	"net/url"
)

// style serves GET /ogc/styles/network: a MapLibre style (version 8) that
// draws, from the vector tiles, the communes (partners of the convention in
// green, the others grey), the zones de vie sociale and the facilities
// coloured by type. No labels, so no glyphs to fetch: the style works with
// no other server. `datetime` is passed on to the tiles.
func (h *handler) style(w http.ResponseWriter, r *http.Request) {
	req, ok := h.prepare(w, r, []string{mediaMapboxStyle, mediaJSON}, styleParams...)
	if !ok {
		return
	}
	base := h.base + "/ogc"
	q := url.Values{}
	if dt := r.URL.Query().Get("datetime"); dt != "" {
		q.Set("datetime", dt)
	}
	source := func(id string) map[string]any {
		return map[string]any{"type": "vector", "tiles": []string{tileURL(base, id, q)}, "minzoom": 0, "maxzoom": maxZoom,
			"promoteId": "id", "attribution": "cccs-graph ; IGN ADMIN EXPRESS"}
	}
	doc := map[string]any{
		"version": 8,
		"name":    "Réseau CCCS 13 : partenaires, équipements, zones",
		"metadata": map[string]any{
			"cccs:asOf": req.p.when.asOf.String(),
		},
		"center": []float64{5.4, 43.45}, "zoom": 8.5,
		"sources": map[string]any{
			"communes":             source("communes"),
			"zones-de-vie-sociale": source("zones-de-vie-sociale"),
			"facilities":           source("facilities"),
		},
		"layers": []any{
			map[string]any{"id": "background", "type": "background", "paint": map[string]any{"background-color": "#f4f1ea"}},
			map[string]any{"id": "communes-fill", "type": "fill", "source": "communes", "source-layer": "communes",
				"paint": map[string]any{
					"fill-color":   []any{"case", []any{"==", []any{"get", "signatory"}, true}, "#2e8b57", "#c8c8c8"},
					"fill-opacity": 0.45,
				}},
			map[string]any{"id": "communes-line", "type": "line", "source": "communes", "source-layer": "communes",
				"paint": map[string]any{"line-color": "#555555", "line-width": 0.6}},
			map[string]any{"id": "zones-fill", "type": "fill", "source": "zones-de-vie-sociale", "source-layer": "zones-de-vie-sociale",
				"paint": map[string]any{"fill-color": "#e6a23c", "fill-opacity": 0.3}},
			map[string]any{"id": "zones-line", "type": "line", "source": "zones-de-vie-sociale", "source-layer": "zones-de-vie-sociale",
				"paint": map[string]any{"line-color": "#b5651d", "line-width": 1.2}},
			map[string]any{"id": "facilities", "type": "circle", "source": "facilities", "source-layer": "facilities",
				"filter": []any{"==", []any{"get", "status"}, "open"},
				"paint": map[string]any{
					"circle-radius": []any{"interpolate", []any{"linear"}, []any{"zoom"}, 8, 3, 14, 7},
					"circle-color": []any{"match", []any{"get", "type"},
						typeCentreSocial, "#1f5fbf", typeMaisonPourTous, "#8e44ad", typeEspaceDeVieSociale, "#d35400", "#555555"},
					"circle-stroke-color": "#ffffff", "circle-stroke-width": 1,
				}},
		},
	}
	h.serve(w, r, req, func(_ context.Context, out io.Writer) error { return writeJSON(out, doc) })
}
