// Package geo serves the network to mapping tools (Leaflet, MapLibre,
// QGIS, GDAL/OGR) without GraphQL: GeoJSON FeatureCollections at
// /geo/{collection}.geojson, OGC API - Features Parts 1 to 3 (Core, GeoJSON,
// OpenAPI 3.0, CRS, CQL2 filters) and OGC API - Tiles (Mapbox Vector Tiles)
// under /ogc. Territories carry what the network says of them as of a date;
// facilities are points. Features are streamed with the stored geometry
// bytes written as they are where no reprojection is asked. Every answer is
// kept as bytes for the data version, identity and gzip, with a strong
// ETag (answer.go). See docs/maps.md.
package geo

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/etag"
	"github.com/cccs13/cccs-graph/internal/bytelru"
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

// Attributions of the layers: the administrative outlines are IGN's (ADMIN
// EXPRESS), the rest is the network's own data, whose sources each feature
// cites.
const (
	communesAttribution = "cccs-graph ; limites administratives IGN ADMIN EXPRESS"
	networkAttribution  = "cccs-graph"
)

// attribution credits what the collection's features are drawn from.
func (c collection) attribution() string {
	for _, t := range c.Types {
		if !slices.Contains([]string{"departement", "arrondissement", "canton", "commune", "arrondissement-municipal"}, t) {
			return networkAttribution
		}
	}
	if c.Facilities {
		return networkAttribution
	}
	return communesAttribution // every type of `territories` holds the outlines too
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
	base     string   // of the links: the configured public URL, never the request's Host, which any client may set
	maxAge   int      // Cache-Control max-age of the answers, seconds
	public   []string // Cache-Control of a public answer, made once
	networks networkCache
	answers  *bytelru.Cache[string, answerEntry] // every answer, by canonical request
	outlines *bytelru.Cache[outlineKey, []byte]  // outlines reprojected or simplified
	admit    func(http.Handler) http.Handler     // around the work of an answer not in the cache
}

// Options configure the maps handler.
type Options struct {
	Base         string // the server's public URL, start of the links ("" for links relative to the root)
	MaxAge       int    // seconds a shared HTTP cache may keep an answer (Cache-Control max-age)
	CacheBytes   int    // bytes of answers kept for the data version; 0 keeps none
	CacheEntries int    // answers kept at most; 0 for DefaultCacheEntries
	// Admit, when set, wraps the making of an answer that the cache does
	// not hold (the server's admission and deadline); an answer served
	// from the cache costs its write only and is not admitted.
	Admit func(http.Handler) http.Handler
}

// Defaults of the answer cache, and the byte budget of the outlines.
const (
	DefaultCacheBytes    = 64 << 20
	DefaultCacheEntries  = 4096
	maxOutlineCacheBytes = 32 << 20
	maxOutlineEntries    = 65536
)

func newHandler(s Reader, log *slog.Logger, o Options) *handler {
	admit := o.Admit
	if admit == nil {
		admit = func(h http.Handler) http.Handler { return h }
	}
	return &handler{s: s, log: logger(log), base: o.Base, maxAge: o.MaxAge, public: []string{etag.Public(o.MaxAge)}, admit: admit,
		answers:  bytelru.NewCache[string](o.CacheBytes, cmp.Or(o.CacheEntries, DefaultCacheEntries), answerEntry.weight),
		outlines: bytelru.NewCache[outlineKey](maxOutlineCacheBytes, maxOutlineEntries, func(b []byte) int { return len(b) })}
}

// New returns a handler of /geo/ and /ogc (and everything under it) alone.
func New(s Reader, log *slog.Logger, o Options) http.Handler {
	mux := http.NewServeMux()
	newHandler(s, log, o).handle(mux, nil)
	return mux
}

// Handle registers the maps' routes on a server's mux, each handler wrapped
// in wrap (authentication) when it is not nil: one mux, so that a request
// is matched once, not once by the server and again by the maps.
func Handle(mux *http.ServeMux, s Reader, log *slog.Logger, o Options, wrap func(http.Handler) http.Handler) {
	newHandler(s, log, o).handle(mux, wrap)
}

// handle maps the paths to the handler's methods.
func (h *handler) handle(mux *http.ServeMux, wrap func(http.Handler) http.Handler) {
	route := func(pattern string, f http.HandlerFunc) {
		if wrap == nil {
			mux.Handle(pattern, f)
		} else {
			mux.Handle(pattern, wrap(f))
		}
	}
	route("GET /geo/{file}", h.geoJSON)
	route("GET /geo/", h.notFound)
	route("GET /ogc", h.landing)
	route("GET /ogc/{$}", h.landing)
	route("GET /ogc/conformance", h.conformance)
	route("GET /ogc/api", h.api)
	route("GET /ogc/collections", h.collections)
	route("GET /ogc/collections/{id}", h.collection)
	route("GET /ogc/collections/{id}/queryables", h.queryables)
	route("GET /ogc/collections/{id}/items", h.items)
	route("GET /ogc/collections/{id}/items/{featureId}", h.item)
	route("GET /ogc/collections/{id}/tiles", h.tilesets)
	route("GET /ogc/collections/{id}/tiles/WebMercatorQuad", h.tileset)
	route("GET /ogc/collections/{id}/tiles/WebMercatorQuad/tilejson.json", h.tileJSON)
	route("GET /ogc/collections/{id}/tiles/WebMercatorQuad/{z}/{y}/{x}", h.tile)
	route("GET /ogc/tileMatrixSets", h.tileMatrixSets)
	route("GET /ogc/tileMatrixSets/WebMercatorQuad", h.webMercatorQuad)
	route("GET /ogc/styles/network", h.style)
	route("GET /ogc/", h.notFound)
}
