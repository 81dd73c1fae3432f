package geo

import (
	"bytes"
	"cmp"
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/internal/bytelru"
	"github.com/cccs13/cccs-graph/store"
)

// framework is the id of the Convention Cadre, whose signatories the maps
// show.
const framework = "cccs"

// The facility types counted each in a property of their own; any other
// type counts in otherFacilities.
const (
	typeCentreSocial       = "centre-social"
	typeMaisonPourTous     = "maison-pour-tous"
	typeEspaceDeVieSociale = "espace-de-vie-sociale"
)

// network is the partnership network as of a date, as the maps show it:
// every territory with what the network says of it, every facility with
// its type, manager, federation and place. Built once per data version and
// date from one snapshot, then read by every request for that date.
type network struct {
	asOf        domain.Date
	territories map[string]*territory
	facilities  []*facility // in id order
	weight      int         // bytes it holds, the records it points to included (weigh)
}

// territory is a territory and the network's attributes on it.
type territory struct {
	node       *domain.Node
	commune    *domain.Node     // the commune it lies in (zones, arrondissements municipaux, ...)
	signatory  *domain.Relation // the signatory relation in force of the organisation administering it (or its commune)
	signer     *domain.Node
	facilities []*facility // open or not, in id order
}

// facility is a facility and its relations in force.
type facility struct {
	node                *domain.Node
	typ                 *domain.Node // its facility type (instance-of)
	manager, federation *domain.Node
	place               *domain.Node    // the territory it is located in
	point               *orb.Point      // WGS84, when its coordinates are known
	status              string          // open, closed; "" before its opening
	zones               []string        // the territories it serves
	life                domain.Interval // from its opening to its closure
}

// buildNetwork reads the whole graph in one snapshot and joins it with the
// relations in force at asOf. Every facility is kept, open or not, so that
// a period asked (datetime=2019-01-01/2021-01-01) finds those it met: the
// queries keep the facilities of their period.
func buildNetwork(ctx context.Context, s Reader, asOf domain.Date) (*network, error) {
	snap, err := s.Snapshot(ctx, domain.Date{})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*domain.Node, len(snap.Nodes))
	for _, n := range snap.Nodes {
		byID[n.ID] = n
	}
	nw := &network{asOf: asOf, territories: map[string]*territory{}}
	facilities := map[string]*facility{}
	for _, n := range snap.Nodes {
		switch n.Kind {
		case domain.KindTerritory:
			nw.territories[n.ID] = &territory{node: n}
		case domain.KindFacility:
			f := newFacility(n, asOf)
			facilities[n.ID] = f
			nw.facilities = append(nw.facilities, f)
		}
	}
	administers := map[string]*domain.Node{} // territory id -> organisation
	signs := map[string]*domain.Relation{}   // organisation id -> signatory relation in force
	partOf := map[string]string{}            // territory id -> enclosing territory id
	for _, r := range snap.Relations {
		if !r.InForce(asOf) {
			continue
		}
		from, to := byID[r.From], byID[r.To]
		switch r.Kind {
		case domain.RelAdministers:
			administers[r.To] = from
		case domain.RelSignatory:
			if r.To == framework && (signs[r.From] == nil || r.ValidFrom.First().Before(signs[r.From].ValidFrom.First())) {
				signs[r.From] = r
			}
		case domain.RelPartOf:
			if from.Kind == domain.KindTerritory && to.Kind == domain.KindTerritory && partOf[r.From] == "" {
				partOf[r.From] = r.To
			}
		case domain.RelInstanceOf:
			if f := facilities[r.From]; f != nil {
				f.typ = to
			}
		case domain.RelManages:
			if f := facilities[r.To]; f != nil {
				f.manager = from
			}
		case domain.RelAffiliatedTo:
			if f := facilities[r.From]; f != nil {
				f.federation = to
			}
		case domain.RelLocatedIn:
			if f := facilities[r.From]; f != nil && to.Kind == domain.KindTerritory {
				f.place = to
			}
		case domain.RelServes:
			if f := facilities[r.From]; f != nil {
				f.zones = append(f.zones, r.To)
			}
		}
	}
	nw.joinTerritories(administers, signs, partOf, byID)
	if err := nw.placeFacilities(ctx, s, partOf); err != nil {
		return nil, err
	}
	nw.weight = nw.weigh()
	return nw, nil
}

// What a territory and a facility hold besides the records they point to:
// the struct, its map entry or slice slot.
const (
	territoryOverhead = 112
	facilityOverhead  = 176
)

// weigh estimates the bytes the network holds: its territories and
// facilities, and each record they point to once (the network keeps them
// alive after the snapshot it was built from is gone).
func (nw *network) weigh() int {
	seen := map[any]bool{}
	w := 0
	node := func(n *domain.Node) {
		if n != nil && !seen[n] {
			seen[n] = true
			w += store.NodeWeight(n)
		}
	}
	for _, t := range nw.territories {
		w += territoryOverhead + 8*len(t.facilities)
		node(t.node)
		node(t.commune)
		node(t.signer)
		if r := t.signatory; r != nil && !seen[r] {
			seen[r] = true
			w += store.RelationWeight(r)
		}
	}
	for _, f := range nw.facilities {
		w += facilityOverhead
		for _, z := range f.zones {
			w += 16 + len(z)
		}
		for _, n := range []*domain.Node{f.node, f.typ, f.manager, f.federation, f.place} {
			node(n)
		}
	}
	return w
}

// newFacility reads what a facility's own fields say.
func newFacility(n *domain.Node, asOf domain.Date) *facility {
	f := &facility{node: n, status: domain.FacilityStatus(n, asOf)}
	f.life = n.Lifetime()
	lat, hasLat := n.FloatField("latitude")
	lon, hasLon := n.FloatField("longitude")
	// A point out of range (the importer checks it) is no point rather than
	// an error for every map.
	if p := (store.Point{Lon: lon, Lat: lat}); hasLat && hasLon && p.Validate() == nil {
		f.point = &orb.Point{lon, lat}
	}
	return f
}

// joinTerritories gives each territory its commune and its signatory: the
// organisation that administers it, or else the one that administers its
// commune (a zone, an arrondissement of Marseille).
func (nw *network) joinTerritories(administers map[string]*domain.Node, signs map[string]*domain.Relation, partOf map[string]string, byID map[string]*domain.Node) {
	for id, t := range nw.territories {
		if p := byID[partOf[id]]; p != nil && p.Field("type") == "commune" {
			t.commune = p
		}
		org := administers[id]
		if org == nil && t.commune != nil {
			org = administers[t.commune.ID]
		}
		if org != nil {
			t.signer, t.signatory = org, signs[org.ID]
		}
	}
}

// maxNesting bounds the walk up the part-of relations of territories.
const maxNesting = 8

// placeFacilities adds each facility to the territories it lies in: the
// one it is located in and those enclosing it, the zones it serves, and
// every territory whose outline holds its point.
func (nw *network) placeFacilities(ctx context.Context, s Reader, partOf map[string]string) error {
	holding := map[orb.Point][]store.GeoEntry{} // the outlines that hold a point, asked once per point
	for _, f := range nw.facilities {
		in := map[string]bool{}
		if f.place != nil {
			id := f.place.ID
			for range maxNesting {
				if id == "" || in[id] {
					break
				}
				in[id] = true
				id = partOf[id]
			}
		}
		for _, z := range f.zones {
			in[z] = true
		}
		if f.point != nil {
			hits, ok := holding[*f.point]
			if !ok {
				var err error
				if hits, err = s.GeoSearch(ctx, store.GeoQuery{Point: &store.Point{Lon: f.point[0], Lat: f.point[1]}}); err != nil {
					return err
				}
				holding[*f.point] = hits
			}
			for _, h := range hits {
				in[h.ID] = true
			}
		}
		for id := range in {
			if t := nw.territories[id]; t != nil {
				t.facilities = append(t.facilities, f)
			}
		}
	}
	for _, t := range nw.territories {
		slices.SortFunc(t.facilities, func(a, b *facility) int { return cmp.Compare(a.node.ID, b.node.ID) })
	}
	return nil
}

// open returns the facilities of t open at the network's date.
func (t *territory) open() []*facility {
	var out []*facility
	for _, f := range t.facilities {
		if f.status == "open" {
			out = append(out, f)
		}
	}
	return out
}

// federationCounts writes how many open facilities each federation has, most
// first: "FAIL 13: 6, IFAC: 3".
func federationCounts(fs []*facility) (text string, federations int) {
	counts := map[string]int{}
	for _, f := range fs {
		if f.federation != nil {
			counts[label(f.federation)]++
		}
	}
	names := slices.Collect(maps.Keys(counts))
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(counts[b], counts[a]), cmp.Compare(a, b)) })
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + ": " + strconv.Itoa(counts[n])
	}
	return strings.Join(parts, ", "), len(names)
}

// label is the short name of an organisation, else its name.
func label(n *domain.Node) string { return cmp.Or(n.ShortName, n.Name) }

// networkCache keeps the networks of the last dates asked, for one data
// version, within a budget of bytes (a network weighs about 280 kB at the
// default dataset, 10 MB at 100 times it) and a count of dates, the least
// recently used out first: a map is drawn at a handful of dates, tile after
// tile. A network is built once per date and version, apart from the
// requests that asked for it (each waits within its own deadline): on a
// large dataset a build may take longer than one request may wait, and it
// still lands for the next one instead of starting over with each request.
// Builds run one at a time, and a few at most wait for their turn.
type networkCache struct {
	mu      sync.Mutex
	version uint64
	budget  int                                 // bytes; 0 for maxNetworkBytes
	byDate  *bytelru.LRU[domain.Date, *network] // made by at
	heavy   *network                            // the last one built if it weighs more than the budget, kept alone
	pending map[domain.Date]*networkBuild
	multi   map[string]bool // territories whose outline is a MultiPolygon
	turn    sync.Mutex      // held by the build that runs
}

// networkBuild is a build under way, which requests wait for.
type networkBuild struct {
	done chan struct{}
	nw   *network
	err  error
}

// Bounds of the networks kept (bytes, dates) and of the builds: waiting at
// once, time one may take. A network heavier than the whole budget (a
// dataset of more than some 600 times the default one) is kept alone, the
// others let go: a map needs it, and a build for each answer would hold it
// as long.
const (
	maxNetworkBytes  = 64 << 20
	maxCachedDates   = 16
	maxPendingBuilds = 4
	maxBuildTime     = 2 * time.Minute
)

// get returns the network as of asOf at data version, building it when
// needed. Returns UNAVAILABLE when too many builds are under way.
func (c *networkCache) get(ctx context.Context, s Reader, version uint64, asOf domain.Date) (*network, error) {
	c.mu.Lock()
	c.at(version)
	if version < c.version { // a request that read an older version
		c.mu.Unlock()
		return buildNetwork(ctx, s, asOf)
	}
	if nw, ok := c.byDate.Get(asOf); ok {
		c.mu.Unlock()
		return nw, nil
	}
	if c.heavy != nil && c.heavy.asOf == asOf {
		c.mu.Unlock()
		return c.heavy, nil
	}
	b := c.pending[asOf]
	if b == nil {
		if len(c.pending) >= maxPendingBuilds {
			c.mu.Unlock()
			return nil, domain.Errorf(domain.EUNAVAILABLE, "the maps of %d other dates are being prepared: retry in a few seconds", len(c.pending))
		}
		b = &networkBuild{done: make(chan struct{})}
		c.pending[asOf] = b
		go c.build(context.WithoutCancel(ctx), s, version, asOf, b)
	}
	c.mu.Unlock()
	select {
	case <-b.done:
		return b.nw, b.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// build builds a network in its turn and keeps it for its version.
func (c *networkCache) build(ctx context.Context, s Reader, version uint64, asOf domain.Date, b *networkBuild) {
	c.turn.Lock()
	defer c.turn.Unlock()
	ctx, cancel := context.WithTimeout(ctx, maxBuildTime)
	defer cancel()
	nw, err := buildNetwork(ctx, s, asOf)
	c.mu.Lock()
	if c.pending[asOf] == b {
		delete(c.pending, asOf)
	}
	if err == nil && c.version == version {
		c.keep(nw)
	}
	b.nw, b.err = nw, err
	c.mu.Unlock()
	close(b.done)
}

// keep keeps a network built for the cache's version. Called with mu held.
func (c *networkCache) keep(nw *network) {
	c.heavy = nil
	if nw.weight > c.byDate.MaxBytes() {
		c.byDate.Purge()
		c.heavy = nw
		return
	}
	c.byDate.Add(nw.asOf, nw)
}

// at empties the cache when the data version has moved on. Called with mu
// held.
func (c *networkCache) at(version uint64) {
	if c.byDate == nil {
		c.byDate = bytelru.New(cmp.Or(c.budget, maxNetworkBytes), maxCachedDates, func(_ domain.Date, nw *network) int { return nw.weight })
	}
	if version > c.version || c.pending == nil {
		c.version, c.pending, c.multi, c.heavy = version, map[domain.Date]*networkBuild{}, nil, nil
	}
	c.byDate.At(version)
}

// multiPolygons returns the territories whose stored outline is a
// MultiPolygon at a data version, read once per version.
func (c *networkCache) multiPolygons(ctx context.Context, s Reader, version uint64) (map[string]bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at(version)
	if c.multi != nil {
		return c.multi, nil
	}
	entries, err := s.GeoSearch(ctx, store.GeoQuery{})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.ID
	}
	multi := map[string]bool{}
	err = s.Features(ctx, ids, func(f *store.Feature) error {
		multi[f.Node.ID] = !bytes.HasPrefix(f.Geometry.GeoJSON, []byte(polygonPrefix))
		return nil
	})
	if err != nil {
		return nil, err
	}
	c.multi = multi
	return multi, nil
}

// geometryType is the geometry type every feature of a collection has:
// Point for the facilities, MultiPolygon for territories when one of them
// is (the Polygons are then written as MultiPolygons of one), else Polygon.
func (h *handler) geometryType(ctx context.Context, c collection, version uint64) (string, error) {
	if c.Facilities {
		return "Point", nil
	}
	multi, err := h.networks.multiPolygons(ctx, h.s, version)
	if err != nil {
		return "", err
	}
	entries, err := h.s.GeoSearch(ctx, store.GeoQuery{Types: c.Types})
	if err != nil {
		return "", err
	}
	if slices.ContainsFunc(entries, func(e store.GeoEntry) bool { return multi[e.ID] }) {
		return "MultiPolygon", nil
	}
	return "Polygon", nil
}

// promote reports whether a collection's Polygons are written as
// MultiPolygons.
func (h *handler) promote(ctx context.Context, c collection, version uint64) (bool, error) {
	t, err := h.geometryType(ctx, c, version)
	return t == "MultiPolygon", err
}
