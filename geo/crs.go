package geo

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"
	"github.com/wroge/wgs84"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// crs is a coordinate reference system the maps can answer in (OGC API -
// Features - Part 2). Stored geometries are CRS84; the others are
// reprojected by wroge/wgs84.
type crs struct {
	URI       string
	EPSG      int    // 0 for CRS84
	Legacy    string // the name of a GeoJSON 2008 `crs` member, for GDAL before 3.7 ("" for CRS84)
	Title     string
	latFirst  bool           // EPSG:4326 orders its axes latitude, longitude
	precision int            // decimals written (-1: as many as needed)
	from, to  orb.Projection // from CRS84 and back; nil for CRS84
	area      store.BBox     // projected bounds of the area of use (EPSG), for boxes given in it
}

// swap exchanges longitude and latitude.
func swap(p orb.Point) orb.Point { return orb.Point{p[1], p[0]} }

// projected is a projected CRS of the EPSG registry, written to the
// centimetre.
func projected(epsg int, title string, area store.BBox) *crs {
	n := strconv.Itoa(epsg)
	there := wgs84.Transform(wgs84.LonLat(), wgs84.EPSG().Code(epsg))
	back := wgs84.Transform(wgs84.EPSG().Code(epsg), wgs84.LonLat())
	return &crs{
		URI: "http://www.opengis.net/def/crs/EPSG/0/" + n, EPSG: epsg, Legacy: "urn:ogc:def:crs:EPSG::" + n, Title: title, precision: 2, area: area,
		from: func(p orb.Point) orb.Point { x, y, _ := there(p[0], p[1], 0); return orb.Point{x, y} },
		to:   func(p orb.Point) orb.Point { x, y, _ := back(p[0], p[1], 0); return orb.Point{x, y} },
	}
}

var (
	crsCRS84   = &crs{URI: "http://www.opengis.net/def/crs/OGC/1.3/CRS84", Title: "WGS 84 longitude, latitude", precision: -1}
	crsWGS84   = &crs{URI: "http://www.opengis.net/def/crs/EPSG/0/4326", EPSG: 4326, Legacy: "urn:ogc:def:crs:EPSG::4326", Title: "WGS 84 latitude, longitude", latFirst: true, precision: -1, from: swap, to: swap}
	crsLambert = projected(2154, "RGF93 v1 / Lambert-93", store.BBox{-378305.81, 6093283.21, 1212610.74, 7186901.68})
	crsWebMerc = projected(3857, "WGS 84 / Pseudo-Mercator", store.BBox{-20037508.34, -20048966.1, 20037508.34, 20048966.1})
)

// crsList are the CRSs offered, storage CRS first.
var crsList = []*crs{crsCRS84, crsWGS84, crsLambert, crsWebMerc}

// crsURIs are their URIs, as the collections list them.
func crsURIs() []string {
	out := make([]string, len(crsList))
	for i, c := range crsList {
		out[i] = c.URI
	}
	return out
}

// parseCRS reads a CRS parameter (crs, bbox-crs, filter-crs): its URI, or
// EPSG:n, [EPSG:n], urn:ogc:def:crs:EPSG::n, OGC:CRS84. Returns BAD_USER_INPUT
// naming the offered ones.
func parseCRS(param, v string) (*crs, error) {
	s := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(v), "["), "]")
	s = strings.Replace(s, "https://", "http://", 1)
	for _, c := range crsList {
		names := []string{c.URI, c.Legacy}
		if c.EPSG != 0 {
			names = append(names, "EPSG:"+strconv.Itoa(c.EPSG))
		} else {
			names = append(names, "OGC:CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84")
		}
		if slices.ContainsFunc(names, func(n string) bool { return n != "" && strings.EqualFold(n, s) }) {
			return c, nil
		}
	}
	return nil, domain.Errorf(domain.EBADINPUT, "%s=%.80s: not an offered CRS; give one of %s", param, v, strings.Join(crsURIs(), ", "))
}

// reproject returns g in c (g itself for CRS84).
func (c *crs) reproject(g orb.Geometry) orb.Geometry {
	if c.from != nil {
		return project.Geometry(g, c.from)
	}
	return g
}

// boxFrom returns the CRS84 box around a box given in c: its edges are
// followed point by point, since a projected straight edge is curved in
// degrees. Returns BAD_USER_INPUT when the box maps outside WGS84.
func (c *crs) boxFrom(b store.BBox) (store.BBox, error) {
	to := c.to
	if to == nil {
		return b, b.Validate()
	}
	if c.latFirst {
		out := store.BBox{b[1], b[0], b[3], b[2]}
		return out, out.Validate()
	}
	if b[0] > b[2] || b[1] > b[3] {
		return b, domain.Errorf(domain.EBADINPUT, "bbox %v in %s: give min x, min y, max x, max y", b[:], c.Title)
	}
	if b[0] < c.area[0] || b[1] < c.area[1] || b[2] > c.area[2] || b[3] > c.area[3] {
		return b, domain.Errorf(domain.EBADINPUT, "bbox %v falls outside the area of use of %s (%v)", b[:], c.Title, c.area[:])
	}
	const steps = 16
	bound := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for i := range steps + 1 {
		t := float64(i) / steps
		x, y := b[0]+t*(b[2]-b[0]), b[1]+t*(b[3]-b[1])
		for _, p := range []orb.Point{{x, b[1]}, {x, b[3]}, {b[0], y}, {b[2], y}} {
			bound = bound.Extend(to(p))
		}
	}
	out := store.BBox{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]}
	if err := out.Validate(); err != nil || math.IsNaN(out[0]+out[1]+out[2]+out[3]) {
		return out, domain.Errorf(domain.EBADINPUT, "bbox %v in %s falls outside the world in WGS84", b[:], c.Title)
	}
	return out, nil
}
