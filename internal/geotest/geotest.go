// Package geotest gives tests the real geodata of ../shared/data/geo (IGN
// ADMIN EXPRESS COG 2018 via gregoiredavid/france-geojson, see PROVENANCE.md
// there) and fixtures built from it. The files are third-party data: they
// are read where they are, never copied into the repository.
package geotest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
)

// The real layers.
const (
	Communes        = "communes-13-bouches-du-rhone.geojson"
	Departement     = "departement-13-bouches-du-rhone.geojson"
	Arrondissements = "arrondissements-13-bouches-du-rhone.geojson"
	Cantons         = "cantons-13-bouches-du-rhone.geojson"
)

// Dir returns the directory of the real geodata: shared/data/geo in the
// nearest directory above the working directory that has one (the repository
// has ../shared beside it). The test is skipped when there is none.
func Dir(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		geo := filepath.Join(dir, "shared", "data", "geo")
		if _, err := os.Stat(filepath.Join(geo, Communes)); err == nil {
			return geo
		}
		if filepath.Dir(dir) == dir {
			t.Skip("no shared/data/geo above the working directory: the real geodata is absent")
		}
	}
}

// Path returns the path of a real layer.
func Path(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(Dir(t), name)
}

// Read returns the content of a real layer.
func Read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(Path(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Known points, in WGS84.
var (
	MarseillePoint = orb.Point{5.3698, 43.2965} // Vieux-Port, in 13055
	AixPoint       = orb.Point{5.4474, 43.5297} // in 13001
)

// Commune returns the geometry of one commune of the real layer.
func Commune(t testing.TB, code string) orb.MultiPolygon {
	t.Helper()
	var fc struct {
		Features []struct {
			Properties struct{ Code string }
			Geometry   struct {
				Type        string
				Coordinates json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(Read(t, Communes), &fc); err != nil {
		t.Fatal(err)
	}
	for _, f := range fc.Features {
		if f.Properties.Code != code {
			continue
		}
		var mp orb.MultiPolygon
		var err error
		if f.Geometry.Type == "Polygon" {
			mp = orb.MultiPolygon{nil}
			err = json.Unmarshal(f.Geometry.Coordinates, &mp[0])
		} else {
			err = json.Unmarshal(f.Geometry.Coordinates, &mp)
		}
		if err != nil {
			t.Fatal(err)
		}
		return mp
	}
	t.Fatalf("no commune %s in %s", code, Communes)
	return nil
}

// HoleHalf is the half-width in degrees of the square hole of the zone
// 13001-est around AixPoint, which is also the zone 13001-centre.
const HoleHalf = 0.005

// Zones returns a zone de vie sociale layer built from the real shape of
// Aix-en-Provence (13001), since no public zone geometries exist:
//   - 13001-ouest: the commune clipped to the west half of its bbox;
//   - 13001-est: the east half, a MultiPolygon with a square hole around AixPoint;
//   - 13001-centre: that square, a Polygon.
//
// AixPoint lies in 13001-centre and not in 13001-est; EastPoint in 13001-est.
// facilities are attached to 13001-est when given.
func Zones(t testing.TB, facilities ...string) []byte {
	t.Helper()
	aix := Commune(t, "13001")
	b := aix.Bound()
	mid := (b.Min[0] + b.Max[0]) / 2
	west := clip.MultiPolygon(orb.Bound{Min: b.Min, Max: orb.Point{mid, b.Max[1]}}, aix.Clone())
	east := clip.MultiPolygon(orb.Bound{Min: orb.Point{mid, b.Min[1]}, Max: b.Max}, aix.Clone())
	hole := orb.Bound{Min: orb.Point{AixPoint[0] - HoleHalf, AixPoint[1] - HoleHalf}, Max: orb.Point{AixPoint[0] + HoleHalf, AixPoint[1] + HoleHalf}}.ToRing()
	holed := false
	for i, p := range east {
		if p.Bound().Contains(AixPoint) && !holed {
			east[i] = append(p, hole)
			holed = true
		}
	}
	if !holed {
		t.Fatalf("AixPoint %v is not in the east half of 13001 (split at longitude %g)", AixPoint, mid)
	}
	eastFeature := Feature("13001-est", "Aix-en-Provence est", east, "commune", "13001")
	if len(facilities) > 0 {
		eastFeature["properties"].(map[string]any)["facilities"] = facilities
	}
	return FeatureCollection(
		Feature("13001-ouest", "Aix-en-Provence ouest", west, "commune", "13001"),
		eastFeature,
		Feature("13001-centre", "Aix-en-Provence centre", orb.Polygon{hole}, "commune", "13001"),
	)
}

// EastPoint lies in the east half of 13001, outside the hole.
var EastPoint = orb.Point{AixPoint[0] + 3*HoleHalf, AixPoint[1]}

// Feature returns a GeoJSON Feature with a code, a nom and more properties
// given as name, value pairs.
func Feature(code, nom string, g orb.Geometry, more ...string) map[string]any {
	props := map[string]any{"code": code, "nom": nom}
	for i := 0; i+1 < len(more); i += 2 {
		props[more[i]] = more[i+1]
	}
	return map[string]any{"type": "Feature", "properties": props,
		"geometry": map[string]any{"type": g.GeoJSONType(), "coordinates": g}}
}

// FeatureCollection marshals features into a FeatureCollection.
func FeatureCollection(features ...map[string]any) []byte {
	b, err := json.Marshal(map[string]any{"type": "FeatureCollection", "features": features})
	if err != nil {
		panic(fmt.Sprintf("marshal a fixture: %v", err))
	}
	return b
}
