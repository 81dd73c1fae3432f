// Package geo serves the network to mapping tools (Leaflet, MapLibre,
// QGIS, GDAL/OGR) without GraphQL: GeoJSON FeatureCollections at
// /geo/{collection}.geojson, OGC API - Features Parts 1 to 3 (Core, GeoJSON,
// OpenAPI 3.0, CRS, CQL2 filters) and OGC API - Tiles (Mapbox Vector Tiles)
// under /ogc. Territories carry what the network says of them as of a date;
// facilities are points. Features are streamed with the stored geometry
// bytes written as they are where no reprojection is asked; responses carry
// a weak ETag on the data version and are gzipped for clients that accept
// it. See docs/maps.md.
package geo

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/klauspost/compress/gzhttp"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// collection is a set of features served as one layer: territories of some
// types, or the facilities.
type collection struct {
	ID, Title, Description string
	Types                  []string // territory types; nil: every type
	Facilities             bool     // the facilities (points), not territories
}

// schema is the list of the collection's properties.
func (c collection) schema() []propDef {
	if c.Facilities {
		return facilityProps
	}
	return territoryProps
}

// allCollections are the layers, `territories` first. A type's collection is
// listed once it has features, and can be read (empty) before.
var allCollections = []collection{
	{ID: "territories", Title: "Territoires", Description: "Tous les territoires du réseau CCCS 13 dotés d'une géométrie, de tous types."},
	{ID: "departements", Title: "Départements", Description: "Départements (code INSEE).", Types: []string{"departement"}},
	{ID: "arrondissements", Title: "Arrondissements", Description: "Arrondissements départementaux.", Types: []string{"arrondissement"}},
	{ID: "cantons", Title: "Cantons", Description: "Cantons.", Types: []string{"canton"}},
	{ID: "communes", Title: "Communes", Description: "Communes (code INSEE), avec leur place dans la Convention Cadre et leurs équipements à la date demandée.", Types: []string{"commune"}},
	{ID: "arrondissements-municipaux", Title: "Arrondissements municipaux", Description: "Les arrondissements de Marseille (code INSEE 13201 à 13216).", Types: []string{"arrondissement-municipal"}},
	{ID: "zones-de-vie-sociale", Title: "Zones de vie sociale", Description: "Zones de vie sociale : le territoire qu'un équipement de l'animation de la vie sociale dessert, dans une commune.", Types: []string{"zone-de-vie-sociale"}},
	{ID: "priority-areas", Title: "Quartiers prioritaires", Description: "Quartiers prioritaires de la politique de la ville (QPV, Cucs).", Types: []string{"priority-area"}},
	{ID: "itc-territories", Title: "Territoires des ITC", Description: "Territoires des Instances Territoriales de Concertation.", Types: []string{"itc-territory"}},
	{ID: "facilities", Title: "Équipements", Description: "Équipements de l'animation de la vie sociale (centres sociaux, Maisons Pour Tous, EVS) : points, avec leur type, gestionnaire, fédération et statut à la date demandée.", Facilities: true},
}

// collectionIDs lists the ids, for error messages.
func collectionIDs() string {
	names := make([]string, len(allCollections))
	for i, c := range allCollections {
		names[i] = c.ID
	}
	return strings.Join(names, ", ")
}

// findCollection returns the collection with an id. Returns ENOTFOUND.
func findCollection(id string) (collection, error) {
	i := slices.IndexFunc(allCollections, func(c collection) bool { return c.ID == id })
	if i < 0 {
		return collection{}, domain.Errorf(domain.ENOTFOUND, "no collection %.60q: the collections are %s", id, collectionIDs())
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
// box, their features streamed, the network as of a date, and the data
// version their ETags and caches key on. *store.Store is one.
type Reader interface {
	GeoLayers(ctx context.Context) []store.GeoLayer
	GeoSearch(ctx context.Context, q store.GeoQuery) ([]store.GeoEntry, error)
	Features(ctx context.Context, ids []string, fn func(*store.Feature) error) error
	Snapshot(ctx context.Context, asOf domain.Date) (*store.Snapshot, error)
	DataVersion(ctx context.Context) (uint64, error)
}

type handler struct {
	s        Reader
	log      *slog.Logger
	networks networkCache
	tiles    *byteCache[tileKey]    // rendered tiles
	outlines *byteCache[outlineKey] // outlines reprojected or simplified
}

// Byte budgets of the caches of encoded answers.
const (
	maxTileCacheBytes    = 32 << 20
	maxOutlineCacheBytes = 32 << 20
)

func newHandler(s Reader, log *slog.Logger) *handler {
	return &handler{s: s, log: logger(log),
		tiles: newByteCache[tileKey](maxTileCacheBytes), outlines: newByteCache[outlineKey](maxOutlineCacheBytes)}
}

// New returns the handler of /geo/ and /ogc (and everything under it), gzip
// included. Links start with base, the server's public URL ("" for links
// relative to the server's root).
func New(s Reader, log *slog.Logger, base string) http.Handler {
	h := newHandler(s, log)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /geo/{file}", h.geoJSON)
	mux.HandleFunc("GET /geo/", h.notFound)
	mux.HandleFunc("GET /ogc", h.landing)
	mux.HandleFunc("GET /ogc/{$}", h.landing)
	mux.HandleFunc("GET /ogc/conformance", h.conformance)
	mux.HandleFunc("GET /ogc/api", h.api)
	mux.HandleFunc("GET /ogc/collections", h.collections)
	mux.HandleFunc("GET /ogc/collections/{id}", h.collection)
	mux.HandleFunc("GET /ogc/collections/{id}/queryables", h.queryables)
	mux.HandleFunc("GET /ogc/collections/{id}/items", h.items)
	mux.HandleFunc("GET /ogc/collections/{id}/items/{featureId}", h.item)
	mux.HandleFunc("GET /ogc/collections/{id}/tiles", h.tilesets)
	mux.HandleFunc("GET /ogc/collections/{id}/tiles/WebMercatorQuad", h.tileset)
	mux.HandleFunc("GET /ogc/collections/{id}/tiles/WebMercatorQuad/tilejson.json", h.tileJSON)
	mux.HandleFunc("GET /ogc/collections/{id}/tiles/WebMercatorQuad/{z}/{y}/{x}", h.tile)
	mux.HandleFunc("GET /ogc/tileMatrixSets", h.tileMatrixSets)
	mux.HandleFunc("GET /ogc/tileMatrixSets/WebMercatorQuad", h.webMercatorQuad)
	mux.HandleFunc("GET /ogc/styles/network", h.style)
	mux.HandleFunc("GET /ogc/", h.notFound)
	return gzhttp.GzipHandler(withBase(base, mux))
}
