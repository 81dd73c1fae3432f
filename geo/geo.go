// Package geo serves the territories to mapping tools (Leaflet, MapLibre,
// QGIS, GDAL/OGR) without GraphQL: GeoJSON FeatureCollections at
// /geo/{collection}.geojson, and OGC API - Features - Part 1 (Core, GeoJSON,
// OpenAPI 3.0) under /ogc. Features are streamed with the stored geometry
// bytes written as they are; responses carry a weak ETag on the data version
// and are gzipped for clients that accept it. See docs/maps.md.
package geo

import (
	"context"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzhttp"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// collection is a set of territories served as one layer.
type collection struct {
	ID, Title, Description string
	Types                  []string // territory types; nil: every type
}

// allCollections are the layers, `territories` first. A type's collection is
// listed once it has features, and can be read (empty) before.
var allCollections = []collection{
	{"territories", "Territoires", "Tous les territoires du réseau CCCS 13 dotés d'une géométrie, de tous types.", nil},
	{"departements", "Départements", "Départements (code INSEE).", []string{"departement"}},
	{"arrondissements", "Arrondissements", "Arrondissements départementaux.", []string{"arrondissement"}},
	{"cantons", "Cantons", "Cantons.", []string{"canton"}},
	{"communes", "Communes", "Communes (code INSEE).", []string{"commune"}},
	{"zones-de-vie-sociale", "Zones de vie sociale", "Zones de vie sociale : le territoire qu'un équipement de l'animation de la vie sociale dessert, dans une commune.", []string{"zone-de-vie-sociale"}},
	{"priority-areas", "Quartiers prioritaires", "Quartiers prioritaires de la politique de la ville (QPV, Cucs).", []string{"priority-area"}},
	{"itc-territories", "Territoires des ITC", "Territoires des Instances Territoriales de Concertation.", []string{"itc-territory"}},
}

// findCollection returns the collection with an id. Returns ENOTFOUND.
func findCollection(id string) (collection, error) {
	i := slices.IndexFunc(allCollections, func(c collection) bool { return c.ID == id })
	if i < 0 {
		names := make([]string, len(allCollections))
		for j, c := range allCollections {
			names[j] = c.ID
		}
		return collection{}, domain.Errorf(domain.ENOTFOUND, "no collection %q: the collections are %s", id, strings.Join(names, ", "))
	}
	return allCollections[i], nil
}

// Paging limits of the OGC items: a larger limit is lowered to the maximum,
// as OGC API - Features requires.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

// Reader is what the map handlers read: the layers, the territories in a
// box, their features streamed, and the data version their ETags key on.
// *store.Store is one.
type Reader interface {
	GeoLayers(ctx context.Context) []store.GeoLayer
	GeoSearch(ctx context.Context, q store.GeoQuery) ([]store.GeoEntry, error)
	Features(ctx context.Context, ids []string, fn func(*store.Feature) error) error
	DataVersion(ctx context.Context) (uint64, error)
}

type handler struct {
	s   Reader
	log *slog.Logger
}

// New returns the handler of /geo/ and /ogc (and everything under it), gzip
// included. Links start with base, the server's public URL ("" for links
// relative to the server's root).
func New(s Reader, log *slog.Logger, base string) http.Handler {
	h := &handler{s: s, log: logger(log)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /geo/{file}", h.geoJSON)
	mux.HandleFunc("GET /geo/", h.notFound)
	mux.HandleFunc("GET /ogc", h.landing)
	mux.HandleFunc("GET /ogc/{$}", h.landing)
	mux.HandleFunc("GET /ogc/conformance", h.conformance)
	mux.HandleFunc("GET /ogc/api", h.api)
	mux.HandleFunc("GET /ogc/collections", h.collections)
	mux.HandleFunc("GET /ogc/collections/{id}", h.collection)
	mux.HandleFunc("GET /ogc/collections/{id}/items", h.items)
	mux.HandleFunc("GET /ogc/collections/{id}/items/{featureId}", h.item)
	mux.HandleFunc("GET /ogc/", h.notFound)
	return gzhttp.GzipHandler(withBase(base, mux))
}

// params are the query parameters of a features request.
type params struct {
	bbox     *store.BBox
	limit    int // 0: no limit
	offset   int
	simplify float64
}

// parseParams reads the query, which may hold only the allowed parameters
// (OGC API - Features answers 400 to any other). Returns BAD_USER_INPUT.
func parseParams(q url.Values, allowed ...string) (params, error) {
	var p params
	for name, vs := range q {
		if !slices.Contains(allowed, name) {
			return p, domain.Errorf(domain.EBADINPUT, "unknown parameter %q: this resource takes %s", name, strings.Join(allowed, ", "))
		}
		if len(vs) > 1 {
			return p, domain.Errorf(domain.EBADINPUT, "parameter %s is given %d times", name, len(vs))
		}
	}
	var err error
	if v := q.Get("bbox"); v != "" {
		if p.bbox, err = parseBBox(v); err != nil {
			return p, err
		}
	}
	if p.limit, err = intParam(q, "limit", 1); err != nil {
		return p, err
	}
	if p.offset, err = intParam(q, "offset", 0); err != nil {
		return p, err
	}
	if v := q.Get("simplify"); v != "" {
		if p.simplify, err = strconv.ParseFloat(v, 64); err != nil || p.simplify < 0 || math.IsInf(p.simplify, 0) || math.IsNaN(p.simplify) {
			return p, domain.Errorf(domain.EBADINPUT, "simplify=%s: a tolerance in degrees, 0 or more", v)
		}
	}
	return p, nil
}

// intParam reads an integer parameter of at least least; 0 when absent.
func intParam(q url.Values, name string, least int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < least {
		return 0, domain.Errorf(domain.EBADINPUT, "%s=%s: an integer of at least %d", name, v, least)
	}
	return n, nil
}

// parseBBox reads bbox=west,south,east,north (or the 3D form with six
// numbers, whose heights are ignored). Returns BAD_USER_INPUT.
func parseBBox(v string) (*store.BBox, error) {
	parts := strings.Split(v, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return nil, domain.Errorf(domain.EBADINPUT, "bbox=%s: give west,south,east,north in WGS84 degrees", v)
	}
	if len(parts) == 6 {
		parts = []string{parts[0], parts[1], parts[3], parts[4]}
	}
	var b store.BBox
	for i, s := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			return nil, domain.Errorf(domain.EBADINPUT, "bbox=%s: %q is not a number", v, s)
		}
		b[i] = f
	}
	return &b, b.Validate()
}
