package geo

import (
	"context"
	_ "embed"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/cccs13/cccs-graph/store"
)

// conformsTo are the conformance classes implemented: Features Part 1 Core,
// GeoJSON and OpenAPI 3.0 (no HTML), Part 2 CRS, Part 3 queryables and
// filters in CQL2 text (Basic CQL2, Basic Spatial Functions), and Tiles
// Core with vector tiles in WebMercatorQuad.
var conformsTo = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/oas30",
}

// openAPI is the API definition, served at /ogc/api.
//
//go:embed openapi.json
var openAPI []byte

// docParams are the parameters of the JSON documents: f, and datetime,
// which they do not depend on but take so that a client can carry the date
// from its connection URL (GDAL 3.6 does: see collection).
var docParams = []string{"f", "datetime"}

// serveDoc answers a JSON resource of /ogc with the document that build
// makes.
func (h *handler) serveDoc(w http.ResponseWriter, r *http.Request, offers []string, build func(ctx context.Context, base string, version uint64) (any, error)) {
	req, ok := h.prepare(w, r, offers, docParams...)
	if !ok {
		return
	}
	h.serve(w, r, req, func(ctx context.Context, out io.Writer) error {
		doc, err := build(ctx, h.base+"/ogc", req.version)
		if err != nil {
			return err
		}
		return writeJSON(out, doc)
	})
}

// landing serves the landing page: links to the API definition, the
// conformance classes and the collections.
func (h *handler) landing(w http.ResponseWriter, r *http.Request) {
	h.serveDoc(w, r, []string{mediaJSON}, func(_ context.Context, base string, _ uint64) (any, error) {
		return map[string]any{
			"title":       "cccs-graph : le réseau CCCS 13 sur la carte",
			"description": "Le réseau de la Convention Cadre des Centres Sociaux des Bouches-du-Rhône à une date : territoires (communes, zones de vie sociale, ...) avec les signataires et les équipements, et les équipements en points ; OGC API - Features (parties 1 à 3) et tuiles vectorielles (OGC API - Tiles).",
			"links": []link{
				{Href: base + "?f=json", Rel: "self", Type: mediaJSON, Title: "This document"},
				{Href: base + "/api", Rel: "service-desc", Type: mediaOpenAPI, Title: "The API definition"},
				{Href: base + "/conformance?f=json", Rel: "conformance", Type: mediaJSON, Title: "Conformance classes"},
				{Href: base + "/collections?f=json", Rel: "data", Type: mediaJSON, Title: "Collections"},
				{Href: base + "/tileMatrixSets", Rel: "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes", Type: mediaJSON, Title: "Tile matrix sets"},
				{Href: base + "/styles/network", Rel: "stylesheet", Type: mediaMapboxStyle, Title: "MapLibre style: partners, facilities and zones"},
			},
		}, nil
	})
}

func (h *handler) conformance(w http.ResponseWriter, r *http.Request) {
	h.serveDoc(w, r, []string{mediaJSON}, func(context.Context, string, uint64) (any, error) {
		return map[string]any{"conformsTo": conformsTo}, nil
	})
}

// api serves the OpenAPI 3.0 definition.
func (h *handler) api(w http.ResponseWriter, r *http.Request) {
	req, ok := h.prepare(w, r, []string{mediaOpenAPI, mediaJSON}, docParams...)
	if !ok {
		return
	}
	h.serve(w, r, req, func(_ context.Context, out io.Writer) error {
		_, err := out.Write(openAPI)
		return err
	})
}

// collectionDoc describes a collection; its extent when it has features.
func collectionDoc(base string, c collection, layers []store.GeoLayer, geometry string) map[string]any {
	href := base + "/collections/" + c.ID
	doc := map[string]any{
		"id": c.ID, "title": c.Title, "description": c.Description,
		"itemType": "feature", "crs": crsURIs(), "storageCrs": crsCRS84.URI,
		"geometryType": geometry,
		"links": []link{
			{Href: href + "?f=json", Rel: "self", Type: mediaJSON, Title: c.Title},
			{Href: href + "/items?f=geojson", Rel: "items", Type: mediaGeoJSON, Title: c.Title + " (GeoJSON)"},
			{Href: href + "/items?f=json", Rel: "items", Type: mediaJSON, Title: c.Title + " (JSON)"},
			{Href: href + "/queryables", Rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables", Type: mediaSchema, Title: "Queryables"},
			{Href: href + "/tiles", Rel: "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", Type: mediaJSON, Title: "Vector tiles"},
		},
	}
	if extent, ok := extentOf(c, layers); ok {
		doc["extent"] = map[string]any{"spatial": map[string]any{"bbox": [][]float64{extent[:]}, "crs": crsCRS84.URI}}
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

// collections lists `territories`, the collection of each territory type
// that has features, and the facilities.
func (h *handler) collections(w http.ResponseWriter, r *http.Request) {
	h.serveDoc(w, r, []string{mediaJSON}, func(ctx context.Context, base string, version uint64) (any, error) {
		layers := h.s.GeoLayers(ctx)
		docs := []map[string]any{}
		for _, c := range allCollections {
			if _, ok := extentOf(c, layers); !ok && c.Types != nil && !c.Facilities {
				continue
			}
			geometry, err := h.geometryType(ctx, c, version)
			if err != nil {
				return nil, err
			}
			docs = append(docs, collectionDoc(base, c, layers, geometry))
		}
		return map[string]any{
			"links":       []link{{Href: base + "/collections?f=json", Rel: "self", Type: mediaJSON, Title: "Collections"}},
			"crs":         crsURIs(),
			"collections": docs,
		}, nil
	})
}

// collection serves one collection. A datetime given here is carried by
// its items links: GDAL 3.6, opened on
// OAPIF:.../collections/communes?datetime=2019-06-27, follows them.
func (h *handler) collection(w http.ResponseWriter, r *http.Request) {
	c, req, ok := h.prepareIn(w, r, []string{mediaJSON}, docParams...)
	if !ok {
		return
	}
	h.serve(w, r, req, func(ctx context.Context, out io.Writer) error {
		geometry, err := h.geometryType(ctx, c, req.version)
		if err != nil {
			return err
		}
		doc := collectionDoc(h.base+"/ogc", c, h.s.GeoLayers(ctx), geometry)
		if dt := r.URL.Query().Get("datetime"); dt != "" {
			for i, l := range doc["links"].([]link) {
				if l.Rel == "items" {
					doc["links"].([]link)[i].Href += "&datetime=" + url.QueryEscape(dt)
				}
			}
		}
		return writeJSON(out, doc)
	})
}

// queryables serves the JSON Schema of the properties a filter can name
// (OGC API - Features - Part 3), the geometry included.
func (h *handler) queryables(w http.ResponseWriter, r *http.Request) {
	c, err := findCollection(r.PathValue("id"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	h.serveDoc(w, r, []string{mediaSchema, mediaJSON}, func(ctx context.Context, base string, version uint64) (any, error) {
		geometry, err := h.geometryType(ctx, c, version)
		if err != nil {
			return nil, err
		}
		props := map[string]any{
			"geometry": map[string]any{"title": "Géométrie", "format": "geometry-" + strings.ToLower(geometry), "x-ogc-role": "primary-geometry"},
		}
		for _, d := range c.schema() {
			p := map[string]any{"title": d.Title, "type": []string{d.Type, "null"}}
			if d.Format != "" {
				p["format"] = d.Format
			}
			props[d.Name] = p
		}
		if !c.Facilities {
			props["code"].(map[string]any)["x-ogc-role"] = "id"
		}
		return map[string]any{
			"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": base + "/collections/" + c.ID + "/queryables",
			"type": "object", "title": c.Title, "properties": props, "additionalProperties": false,
		}, nil
	})
}
