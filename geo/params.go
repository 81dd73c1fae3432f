package geo

import (
	"maps"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// params are the query parameters of a map request, read and checked.
type params struct {
	bbox      *store.BBox // in CRS84, after bbox-crs
	point     *store.Point
	limit     int // 0: no limit
	offset    int
	simplify  float64
	when      when
	crs       *crs        // of the answer
	filter    string      // CQL2 text, parsed once the collection is known
	filterCRS *crs        // of its geometry literals
	keep      []string    // properties to write; nil: all
	equals    [][2]string // property=value parameters (Part 3 queryables as query parameters), in name order
}

// The parameters each resource takes (the OpenAPI definition lists the
// same, a test checks it).
var (
	geoParams   = []string{"bbox", "point", "limit", "offset", "simplify", "asOf", "datetime", "filter", "properties"}
	itemsParams = []string{"f", "bbox", "bbox-crs", "limit", "offset", "datetime", "crs", "filter", "filter-lang", "filter-crs", "properties"}
	itemParams  = []string{"f", "crs", "datetime", "properties"}
	tileParams  = []string{"datetime", "filter", "filter-lang", "properties"}
	styleParams = []string{"datetime"}
)

// propertyParams are the names of the properties of every collection: the
// items take each as a parameter, property=value filters on equality.
var propertyParams = func() []string {
	var names []string
	for _, d := range append(slices.Clone(territoryProps), facilityProps...) {
		if !slices.Contains(names, d.Name) {
			names = append(names, d.Name)
		}
	}
	return names
}()

// maxParamLen bounds every parameter's value but the filter's.
const maxParamLen = 512

// parseParams reads the query, which may hold only the allowed parameters
// (OGC API - Features answers 400 to any other). Returns BAD_USER_INPUT.
func parseParams(q url.Values, allowed ...string) (params, error) {
	p := params{when: today(), crs: crsCRS84, filterCRS: crsCRS84}
	for name, vs := range q {
		if !slices.Contains(allowed, name) {
			return p, domain.Errorf(domain.EBADINPUT, "unknown parameter %.40q: this resource takes %s", name, strings.Join(allowed, ", "))
		}
		if len(vs) > 1 {
			return p, domain.Errorf(domain.EBADINPUT, "parameter %s is given %d times", name, len(vs))
		}
		if name != "filter" && len(vs[0]) > maxParamLen {
			return p, domain.Errorf(domain.EBADINPUT, "parameter %s: %d bytes, at most %d", name, len(vs[0]), maxParamLen)
		}
	}
	steps := []func() error{
		func() (err error) { p.limit, err = intParam(q, "limit", 1); return },
		func() (err error) { p.offset, err = intParam(q, "offset", 0); return },
		func() (err error) { p.simplify, err = simplifyParam(q.Get("simplify")); return },
		func() (err error) { return p.readWhen(q) },
		func() (err error) { p.crs, err = crsParam(q, "crs"); return },
		func() (err error) { p.filterCRS, err = crsParam(q, "filter-crs"); return },
		func() (err error) { return p.readBBox(q) },
		func() (err error) { return p.readPoint(q.Get("point")) },
		func() (err error) { return p.readFilter(q) },
		func() (err error) { return p.readProperties(q.Get("properties")) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return p, err
		}
	}
	if len(q) == 0 { // no names to sort
		return p, nil
	}
	for _, name := range slices.Sorted(maps.Keys(q)) {
		if slices.Contains(propertyParams, name) && slices.Contains(allowed, name) {
			p.equals = append(p.equals, [2]string{name, q.Get(name)})
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
		return 0, domain.Errorf(domain.EBADINPUT, "%s=%.20s: an integer of at least %d", name, v, least)
	}
	return n, nil
}

func simplifyParam(v string) (float64, error) {
	if v == "" {
		return 0, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, domain.Errorf(domain.EBADINPUT, "simplify=%.20s: a tolerance in degrees, 0 or more", v)
	}
	return f, nil
}

// crsParam reads a CRS parameter; CRS84 when absent.
func crsParam(q url.Values, name string) (*crs, error) {
	if v := q.Get(name); v != "" {
		return parseCRS(name, v)
	}
	return crsCRS84, nil
}

// readWhen reads datetime (OGC) or asOf (/geo, as GraphQL takes it).
func (p *params) readWhen(q url.Values) (err error) {
	dt, asOf := q.Get("datetime"), q.Get("asOf")
	switch {
	case dt != "" && asOf != "":
		return domain.Errorf(domain.EBADINPUT, "give datetime or asOf, not both")
	case dt != "":
		p.when, err = parseDatetime(dt)
	case asOf != "":
		p.when, err = parseAsOf(asOf)
	}
	return err
}

// readBBox reads bbox=west,south,east,north (or the 3D form with six
// numbers, whose heights are ignored) in bbox-crs (CRS84 by default).
func (p *params) readBBox(q url.Values) error {
	v := q.Get("bbox")
	boxCRS, err := crsParam(q, "bbox-crs")
	if err != nil || v == "" {
		return err
	}
	parts := strings.Split(v, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return domain.Errorf(domain.EBADINPUT, "bbox=%.60s: give west,south,east,north (in WGS84 degrees unless bbox-crs says otherwise)", v)
	}
	if len(parts) == 6 {
		parts = []string{parts[0], parts[1], parts[3], parts[4]}
	}
	var b store.BBox
	for i, s := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return domain.Errorf(domain.EBADINPUT, "bbox=%.60s: %.20q is not a number", v, s)
		}
		b[i] = f
	}
	b, err = boxCRS.boxFrom(b)
	p.bbox = &b
	return err
}

// readPoint reads point=lon,lat (WGS84): the territories that contain it.
func (p *params) readPoint(v string) error {
	if v == "" {
		return nil
	}
	lon, lat, ok := strings.Cut(v, ",")
	x, errX := strconv.ParseFloat(strings.TrimSpace(lon), 64)
	y, errY := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	if !ok || errX != nil || errY != nil {
		return domain.Errorf(domain.EBADINPUT, "point=%.40s: give longitude,latitude in WGS84 degrees", v)
	}
	p.point = &store.Point{Lon: x, Lat: y}
	return p.point.Validate()
}

// readFilter keeps the CQL2 text filter (parsed against the collection's
// queryables later) and checks its language.
func (p *params) readFilter(q url.Values) error {
	p.filter = q.Get("filter")
	// cql-text is the name GDAL 3.6 sends, from the drafts of Part 3.
	if lang := q.Get("filter-lang"); lang != "" && lang != "cql2-text" && lang != "cql-text" {
		return domain.Errorf(domain.EBADINPUT, "filter-lang=%.30s: this server reads cql2-text only", lang)
	}
	return nil
}

// readProperties reads properties=a,b: only these properties are written.
func (p *params) readProperties(v string) error {
	if v == "" {
		return nil
	}
	p.keep = strings.Split(v, ",")
	return nil
}

// checkProperties checks the names kept against a schema.
func checkProperties(keep []string, schema []propDef) error {
	for _, name := range keep {
		if !slices.ContainsFunc(schema, func(d propDef) bool { return d.Name == name }) {
			return domain.Errorf(domain.EBADINPUT, "properties: no property %.40q in this collection (see its queryables)", name)
		}
	}
	return nil
}

// equalsText is the CQL2 text of the property=value parameters, the values
// written as literals of their property's type; "" when there are none.
func (p params) equalsText(schema []propDef) string {
	var terms []string
	for _, eq := range p.equals {
		lit := "'" + strings.ReplaceAll(eq[1], "'", "''") + "'"
		if i := slices.IndexFunc(schema, func(d propDef) bool { return d.Name == eq[0] }); i >= 0 && schema[i].Type != "string" {
			lit = eq[1]
		}
		terms = append(terms, `"`+eq[0]+`" = `+lit)
	}
	return strings.Join(terms, " AND ")
}
