package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// Reading and checking a GeoJSON layer (docs/maps.md, "Importing layers"):
// every problem of every feature is collected before anything is written.

// geoObject holds the members of a GeoJSON object that a layer may use.
type geoObject struct {
	Type        string            `json:"type"`
	Features    []json.RawMessage `json:"features"`
	Geometry    json.RawMessage   `json:"geometry"`
	Properties  json.RawMessage   `json:"properties"`
	CRS         json.RawMessage   `json:"crs"`
	Coordinates json.RawMessage   `json:"coordinates"`
}

// layerFeature is one checked feature of a layer.
type layerFeature struct {
	n          int // position in the file, from 1
	code       string
	nom        string
	commune    string   // zones (required), priority areas, ITC territories: INSEE code of their commune
	facilities []string // zones: ids of the facilities that serve them
	excerpt    string   // the feature's properties as written, for the citation
	geom       orb.Geometry
}

// layerProperties returns the feature properties a layer of a kind may carry.
func layerProperties(kind string) []string {
	props := []string{"code", "nom", "type"}
	switch kind {
	case "zone-de-vie-sociale":
		props = append(props, "commune", "facilities")
	case "priority-area", "itc-territory":
		props = append(props, "commune")
	}
	return props
}

// wgs84Names are the names of a legacy GeoJSON `crs` member that mean
// longitude, latitude in degrees (RFC 7946 dropped the member: WGS84 only).
var wgs84Names = []string{
	"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "OGC:CRS84", "CRS84",
	"urn:ogc:def:crs:EPSG::4326", "EPSG:4326", "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
	"http://www.opengis.net/def/crs/EPSG/0/4326",
}

var codeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$`)

// featureProblems collects the problems of one feature.
type featureProblems struct {
	n     int
	code  string
	probs *[]string
}

func (f *featureProblems) add(format string, args ...any) {
	where := fmt.Sprintf("feature %d", f.n)
	if f.code != "" {
		where += fmt.Sprintf(" (code %q)", f.code)
	}
	*f.probs = append(*f.probs, where+": "+fmt.Sprintf(format, args...))
}

// parseLayer reads a FeatureCollection or a bare Feature and checks every
// feature for a layer of kind. It returns the good features and the problems.
func parseLayer(kind string, data []byte) ([]*layerFeature, []string) {
	if msg := notUTF8(data); msg != "" {
		return nil, []string{"not valid GeoJSON: " + msg + " (GeoJSON is UTF-8: save the file as UTF-8)"}
	}
	var top geoObject
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, []string{"not valid GeoJSON: " + err.Error()}
	}
	var probs []string
	if msg := crsProblem(top.CRS); msg != "" {
		probs = append(probs, "the layer "+msg)
	}
	raws := top.Features
	switch top.Type {
	case "FeatureCollection":
	case "Feature":
		raws = []json.RawMessage{data}
	default:
		return nil, append(probs, fmt.Sprintf("the file is a GeoJSON %q: a layer is a FeatureCollection or a Feature", top.Type))
	}
	if len(raws) == 0 {
		return nil, append(probs, "the layer has no feature")
	}
	var feats []*layerFeature
	for i, raw := range raws {
		if f := parseFeature(kind, i+1, raw, &probs); f != nil {
			feats = append(feats, f)
		}
	}
	return feats, append(probs, duplicateProblems(kind, feats)...)
}

// crsProblem says what is wrong with a legacy `crs` member, "" when it is
// absent or names WGS84.
func crsProblem(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var crs struct {
		Properties struct{ Name string } `json:"properties"`
	}
	if err := json.Unmarshal(raw, &crs); err != nil || crs.Properties.Name == "" {
		return fmt.Sprintf("has a crs member %s that names no CRS: GeoJSON is WGS84 longitude, latitude (RFC 7946)", raw)
	}
	if slices.Contains(wgs84Names, crs.Properties.Name) {
		return ""
	}
	return fmt.Sprintf("is not in WGS84: its crs is %q; reproject it to EPSG:4326 (ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson)", crs.Properties.Name)
}

func parseFeature(kind string, n int, raw json.RawMessage, probs *[]string) *layerFeature {
	fp := &featureProblems{n: n, probs: probs}
	before := len(*probs)
	var obj geoObject
	if err := json.Unmarshal(raw, &obj); err != nil {
		fp.add("not a GeoJSON object: %v", err)
		return nil
	}
	if obj.Type != "Feature" {
		fp.add("is a %q, not a Feature", obj.Type)
		return nil
	}
	f := &layerFeature{n: n}
	parseProperties(kind, obj.Properties, f, fp)
	if msg := crsProblem(obj.CRS); msg != "" {
		fp.add("%s", msg)
	}
	f.geom = parseGeometry(obj.Geometry, fp)
	if len(*probs) > before {
		return nil
	}
	return f
}

// parseProperties reads and checks the properties of a feature into f.
func parseProperties(kind string, raw json.RawMessage, f *layerFeature, fp *featureProblems) {
	var props map[string]json.RawMessage
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &props); err != nil {
			fp.add("properties must be an object")
			return
		}
		f.excerpt = excerptOf(raw)
	}
	f.code = stringProperty(props, "code", fp)
	fp.code = f.code
	switch {
	case f.code == "":
		fp.add("property code is required: the official code (INSEE code for a commune) that joins the feature to its territory")
	case !codeRE.MatchString(f.code):
		fp.add("code %q: use letters, digits, '.', '_' and '-', at most 60", f.code)
	}
	allowed := layerProperties(kind)
	for _, k := range slices.Sorted(maps.Keys(props)) {
		if !slices.Contains(allowed, k) {
			fp.add("unknown property %q (a %s layer allows: %s)", k, kind, strings.Join(allowed, ", "))
		}
	}
	f.nom = strings.TrimSpace(stringProperty(props, "nom", fp))
	if t := stringProperty(props, "type", fp); t != "" && t != kind {
		fp.add("property type is %q but the layer is imported as %s", t, kind)
	}
	f.commune = stringProperty(props, "commune", fp)
	if kind == "zone-de-vie-sociale" && f.commune == "" {
		fp.add("property commune is required: the INSEE code of the commune the zone lies in")
	}
	if raw, ok := props["facilities"]; ok && json.Unmarshal(raw, &f.facilities) != nil {
		fp.add("property facilities must be a list of facility ids")
	}
}

// stringProperty returns a string property, "" when absent or null.
func stringProperty(props map[string]json.RawMessage, name string, fp *featureProblems) string {
	raw, ok := props[name]
	if !ok || string(raw) == "null" {
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		fp.add("property %s must be a string, not %s (write codes in quotes: \"01001\" keeps its leading zero)", name, raw)
	}
	return s
}

// excerptOf returns the properties as written, compacted, at most 200 bytes.
func excerptOf(raw json.RawMessage) string {
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return ""
	}
	s := buf.String()
	if len(s) <= 200 {
		return s
	}
	cut := 200
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// parseGeometry reads a Polygon or MultiPolygon, checks it and returns it with
// RFC 7946 winding (exterior rings counterclockwise, holes clockwise).
func parseGeometry(raw json.RawMessage, fp *featureProblems) orb.Geometry {
	var obj geoObject
	if len(raw) == 0 || string(raw) == "null" {
		fp.add("empty geometry: the feature has none")
		return nil
	}
	if err := json.Unmarshal(raw, &obj); err != nil {
		fp.add("geometry is not a GeoJSON object: %v", err)
		return nil
	}
	var mp orb.MultiPolygon
	switch obj.Type {
	case "Polygon":
		var c [][][]float64
		if err := json.Unmarshal(obj.Coordinates, &c); err != nil {
			fp.add("Polygon coordinates must be a list of rings of [longitude, latitude] positions")
			return nil
		}
		mp = checkPolygons([][][][]float64{c}, "", fp)
	case "MultiPolygon":
		var c [][][][]float64
		if err := json.Unmarshal(obj.Coordinates, &c); err != nil {
			fp.add("MultiPolygon coordinates must be a list of polygons, each a list of rings of [longitude, latitude] positions")
			return nil
		}
		mp = checkPolygons(c, "polygon %d: ", fp)
	default:
		fp.add("geometry type %q: a territory is a Polygon or a MultiPolygon", obj.Type)
		return nil
	}
	if mp == nil {
		return nil
	}
	if obj.Type == "Polygon" {
		return mp[0]
	}
	return mp
}

// checkPolygons converts and checks the polygons; nil when any is bad.
// where is a format for the polygon's number ("" for a lone Polygon).
func checkPolygons(polys [][][][]float64, where string, fp *featureProblems) orb.MultiPolygon {
	if len(polys) == 0 {
		fp.add("empty geometry: no coordinates")
		return nil
	}
	ok := true
	mp := make(orb.MultiPolygon, len(polys))
	for i, rings := range polys {
		at := where
		if at != "" {
			at = fmt.Sprintf(where, i+1)
		}
		if len(rings) == 0 {
			fp.add("%sempty polygon: no ring", at)
			ok = false
			continue
		}
		p, good := checkPolygon(rings, at, fp)
		mp[i], ok = p, ok && good
	}
	if !ok {
		return nil
	}
	return mp
}

// checkPolygon checks the rings of one polygon and winds them per RFC 7946.
func checkPolygon(rings [][][]float64, at string, fp *featureProblems) (orb.Polygon, bool) {
	p := make(orb.Polygon, len(rings))
	for j, positions := range rings {
		r, ok := checkRing(positions, fmt.Sprintf("%sring %d: ", at, j+1), fp)
		if !ok {
			return nil, false
		}
		if j > 0 && !holeInside(p[0], r) {
			fp.add("%sring %d is a hole that lies outside the exterior ring", at, j+1)
			return nil, false
		}
		exterior := j == 0
		if (r.Orientation() == orb.CCW) != exterior {
			r.Reverse()
		}
		p[j] = r
	}
	return p, true
}

// checkRing checks one linear ring: positions of 2 or 3 numbers in the WGS84
// ranges, at least 4 of them, closed, enclosing an area.
func checkRing(positions [][]float64, at string, fp *featureProblems) (orb.Ring, bool) {
	r := make(orb.Ring, len(positions))
	for i, pos := range positions {
		if len(pos) < 2 {
			fp.add("%sposition %d has %d number(s): a position is [longitude, latitude]", at, i+1, len(pos))
			return nil, false
		}
		if !inRange(pos[0], 180) || !inRange(pos[1], 90) {
			fp.add("%sposition %d %s is outside longitude -180..180, latitude -90..90: the layer is not in WGS84 (EPSG:4326); reproject it (ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson)", at, i+1, position(pos[0], pos[1]))
			return nil, false
		}
		r[i] = orb.Point{pos[0], pos[1]}
	}
	switch {
	case len(r) < 4:
		fp.add("%sa ring needs at least 4 positions, this one has %d", at, len(r))
	case r[0] != r[len(r)-1]:
		fp.add("%sunclosed ring: the first position %s differs from the last %s", at, position(r[0][0], r[0][1]), position(r[len(r)-1][0], r[len(r)-1][1]))
	case r.Orientation() == 0:
		fp.add("invalid geometry: %sthe ring encloses no area (its positions are collinear or repeated)", at)
	default:
		return r, true
	}
	return nil, false
}

// position writes a position as in GeoJSON.
func position(lon, lat float64) string {
	return "[" + strconv.FormatFloat(lon, 'f', -1, 64) + ", " + strconv.FormatFloat(lat, 'f', -1, 64) + "]"
}

// holeInside reports whether every position of a hole lies in the exterior
// ring (on its boundary counts as in).
func holeInside(exterior, hole orb.Ring) bool {
	for _, p := range hole {
		if !planar.RingContains(exterior, p) {
			return false
		}
	}
	return true
}

// duplicateProblems reports codes that occur twice, and codes that differ
// but give the same territory id.
func duplicateProblems(kind string, feats []*layerFeature) []string {
	var probs []string
	byCode, byID := map[string]int{}, map[string]*layerFeature{}
	for _, f := range feats {
		if first, dup := byCode[f.code]; dup {
			probs = append(probs, fmt.Sprintf("feature %d (code %q): duplicate code, feature %d has it too", f.n, f.code, first))
			continue
		}
		byCode[f.code] = f.n
		id := territoryID(kind, f.code)
		if other, dup := byID[id]; dup {
			probs = append(probs, fmt.Sprintf("feature %d (code %q): codes %q and %q give the same id %s", f.n, f.code, other.code, f.code, id))
		}
		byID[id] = f
	}
	return probs
}
