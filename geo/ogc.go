package geo

import (
	_ "embed"
	"net/http"
	"slices"

	"github.com/cccs13/cccs-graph/store"
)

// conformsTo are the conformance classes implemented: Part 1 Core, GeoJSON,
// and OpenAPI 3.0 (the definition at /ogc/api). No HTML.
var conformsTo = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
}

// crs84 is WGS84 longitude, latitude: the only CRS of Part 1.
const crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

// openAPI is the API definition, served at /ogc/api.
//
//go:embed openapi.json
var openAPI []byte

// serveDoc answers a JSON resource of /ogc (only f as parameter) with the
// document that build makes.
func (h *handler) serveDoc(w http.ResponseWriter, r *http.Request, offer string, build func(base string) (any, error)) {
	req, ok := h.prepare(w, r, []string{offer}, "f")
	if !ok {
		return
	}
	doc, err := build(baseURL(r) + "/ogc")
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	writeJSON(w, req.media, doc)
}

// landing serves the landing page: links to the API definition, the
// conformance classes and the collections.
func (h *handler) landing(w http.ResponseWriter, r *http.Request) {
	h.serveDoc(w, r, mediaJSON, func(base string) (any, error) {
		return map[string]any{
			"title":       "cccs-graph : territoires du réseau CCCS 13",
			"description": "Territoires (départements, communes, zones de vie sociale, ...) du réseau de la Convention Cadre des Centres Sociaux des Bouches-du-Rhône, en OGC API - Features.",
			"links": []link{
				{Href: base + "?f=json", Rel: "self", Type: mediaJSON, Title: "This document"},
				{Href: base + "/api", Rel: "service-desc", Type: mediaOpenAPI, Title: "The API definition"},
				{Href: base + "/conformance?f=json", Rel: "conformance", Type: mediaJSON, Title: "Conformance classes"},
				{Href: base + "/collections?f=json", Rel: "data", Type: mediaJSON, Title: "Collections"},
			},
		}, nil
	})
}

func (h *handler) conformance(w http.ResponseWriter, r *http.Request) {
	h.serveDoc(w, r, mediaJSON, func(string) (any, error) {
		return map[string]any{"conformsTo": conformsTo}, nil
	})
}

// api serves the OpenAPI 3.0 definition.
func (h *handler) api(w http.ResponseWriter, r *http.Request) {
	req, ok := h.prepare(w, r, []string{mediaOpenAPI, mediaJSON}, "f")
	if !ok {
		return
	}
	w.Header().Set("Content-Type", req.media)
	w.Write(openAPI)
}

// collectionDoc describes a collection; its extent when it has features.
func collectionDoc(base string, c collection, layers []store.GeoLayer) map[string]any {
	href := base + "/collections/" + c.ID
	doc := map[string]any{
		"id": c.ID, "title": c.Title, "description": c.Description,
		"itemType": "feature", "crs": []string{crs84},
		"links": []link{
			{Href: href + "?f=json", Rel: "self", Type: mediaJSON, Title: c.Title},
			{Href: href + "/items?f=geojson", Rel: "items", Type: mediaGeoJSON, Title: c.Title + " (GeoJSON)"},
			{Href: href + "/items?f=json", Rel: "items", Type: mediaJSON, Title: c.Title + " (JSON)"},
		},
	}
	if extent, ok := extentOf(c, layers); ok {
		doc["extent"] = map[string]any{"spatial": map[string]any{"bbox": [][]float64{extent[:]}, "crs": crs84}}
	}
	return doc
}

// extentOf is the box around the features of a collection, false when it has none.
func extentOf(c collection, layers []store.GeoLayer) (store.BBox, bool) {
	var extent store.BBox
	found := false
	for _, l := range layers {
		if c.Types != nil && !slices.Contains(c.Types, l.Type) {
			continue
		}
		if !found {
			extent, found = l.Extent, true
		}
		extent = extent.Union(l.Extent)
	}
	return extent, found
}

// collections lists `territories` and the collection of each territory type
// that has features.
func (h *handler) collections(w http.ResponseWriter, r *http.Request) {
	h.serveDoc(w, r, mediaJSON, func(base string) (any, error) {
		layers := h.s.GeoLayers(r.Context())
		docs := []map[string]any{}
		for _, c := range allCollections {
			if _, ok := extentOf(c, layers); ok || c.Types == nil {
				docs = append(docs, collectionDoc(base, c, layers))
			}
		}
		return map[string]any{
			"links":       []link{{Href: base + "/collections?f=json", Rel: "self", Type: mediaJSON, Title: "Collections"}},
			"collections": docs,
		}, nil
	})
}

func (h *handler) collection(w http.ResponseWriter, r *http.Request) {
	h.serveDoc(w, r, mediaJSON, func(base string) (any, error) {
		c, err := findCollection(r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		return collectionDoc(base, c, h.s.GeoLayers(r.Context())), nil
	})
}
