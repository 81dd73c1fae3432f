package main

import (
	"math"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/internal/geotest"
	"github.com/cccs13/cccs-graph/internal/geotest/geostore"
)

// client returns the path of a program a test uses as a real client, from
// the Debian package pkg; the test is skipped outside CI when it is absent,
// and fails in CI.
func client(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not on PATH: .ci/run installs %s", name, pkg)
		}
		t.Skipf("%s is not on PATH (apt-get install %s)", name, pkg)
	}
	return path
}

// networkServer starts the real server on the communes, zones made from
// Aix-en-Provence and the test facilities, all imported with the CLI.
func networkServer(t *testing.T) *server { return networkServerWith(t) }

// networkServerWith is networkServer with more arguments to serve.
func networkServerWith(t *testing.T, args ...string) *server {
	t.Helper()
	data, dir := t.TempDir(), t.TempDir()
	zones := filepath.Join(dir, "zones.geojson")
	network := filepath.Join(dir, "network.yaml")
	if err := os.WriteFile(zones, geotest.Zones(t), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(network, []byte(geostore.NetworkYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"-layer", "commune", "-source", "cog-insee-2018", geotest.Path(t, geotest.Communes)},
		{"-layer", "zone-de-vie-sociale", zones},
		{network},
	} {
		if out, err := exec.Command(binary, append([]string{"import", "-data", data}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("import %v: %v\n%s", args, err, out)
		}
	}
	return startServer(t, data, args...)
}

// TestMapsNetworkWithGDAL reads the network's maps with GDAL 3.6 as a QGIS
// or OGR user does: OAPIF as of a date, a filter GDAL turns into CQL2,
// Lambert-93 coordinates, clean GeoPackages, and a vector tile read by GDAL's
// MVT driver.
func TestMapsNetworkWithGDAL(t *testing.T) {
	ogrinfo, ogr2ogr := client(t, "ogrinfo", "gdal-bin"), client(t, "ogr2ogr", "gdal-bin")
	srv := networkServer(t)
	ogc := "OAPIF:" + srv.url + "/ogc"

	t.Run("datetime", func(t *testing.T) {
		// GDAL 3.6 carries the query of a collection URL to its items.
		at := func(date string) string {
			return runOGR(t, ogrinfo, "-ro", "-geom=NO", ogc+"/collections/communes?datetime="+date, "communes", "-where", "code = '13028'")
		}
		wantLines(t, at("1999-01-01"), "Feature Count: 1", "signatory (Integer(Boolean)) = 0", "asOf (Date) = 1999/01/01")
		wantLines(t, at("2019-06-27"), "signatory (Integer(Boolean)) = 1", "signatorySince (String) = 2000/05/19", "facilityCount (Integer) = 2")
	})

	t.Run("CQL2 filter", func(t *testing.T) {
		out := runOGR(t, ogrinfo, "--debug", "on", "-ro", "-geom=NO", ogc+"/collections/communes?datetime=2019-06-27", "communes",
			"-where", "signatory = 1 AND facilityCount >= 2 AND code >= '13020' AND code < '13030'")
		wantLines(t, out, "CQL text detected", "filter=", "Feature Count: 1", "nom (String) = La Ciotat")
		out = runOGR(t, ogrinfo, "-ro", "-geom=NO", ogc+"/collections/facilities?datetime=2019-06-27", "facilities", "-where", "federation = 'FED A'")
		wantLines(t, out, "Feature Count: 2", "nom (String) = Centre social du port (test)", "nom (String) = EVS Aix est")
	})

	t.Run("Lambert-93", func(t *testing.T) {
		items := srv.url + "/ogc/collections/communes/items?limit=1000&crs=" + url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/2154")
		ours := runOGR(t, ogrinfo, "-ro", "-so", "-al", "GeoJSON:"+items)
		wantLines(t, ours, "Feature Count: 119", `ID["EPSG",2154]`)
		// GDAL's own reprojection of the CRS84 layer gives the same extent.
		gpkg := filepath.Join(t.TempDir(), "communes-l93.gpkg")
		if out := runOGR(t, ogr2ogr, "-f", "GPKG", "-t_srs", "EPSG:2154", gpkg, ogc, "communes"); strings.Contains(out, "Warning") {
			t.Errorf("ogr2ogr to a Lambert-93 GeoPackage warned:\n%s", out)
		}
		theirs := runOGR(t, ogrinfo, "-ro", "-so", gpkg, "communes")
		a, b := extentOf(t, ours), extentOf(t, theirs)
		for i := range a {
			if math.Abs(a[i]-b[i]) > 0.05 {
				t.Errorf("extent in Lambert-93: ours %v, GDAL's %v", a, b)
				break
			}
		}
		if a[0] < 780000 || a[2] > 1000000 || a[1] < 6200000 || a[3] > 6330000 {
			t.Errorf("extent %v is not the Bouches-du-Rhône in Lambert-93", a)
		}
	})

	t.Run("GeoPackage", func(t *testing.T) {
		dir := t.TempDir()
		for _, layer := range []string{"communes", "facilities", "zones-de-vie-sociale"} {
			gpkg := filepath.Join(dir, layer+".gpkg")
			if out := runOGR(t, ogr2ogr, "-f", "GPKG", gpkg, ogc, layer); strings.Contains(out, "Warning") {
				t.Errorf("ogr2ogr %s warned:\n%s", layer, out)
			}
		}
		wantLines(t, runOGR(t, ogrinfo, "-ro", "-so", filepath.Join(dir, "communes.gpkg"), "communes"), "Geometry: Multi Polygon", "Feature Count: 119")
		wantLines(t, runOGR(t, ogrinfo, "-ro", "-so", filepath.Join(dir, "facilities.gpkg"), "facilities"), "Geometry: Point")
	})

	t.Run("MVT", func(t *testing.T) {
		// Tile z12 of the centres of La Ciotat: x 2111, y 1502.
		tile := "MVT:/vsicurl/" + srv.url + "/ogc/collections/communes/tiles/WebMercatorQuad/12/1502/2111.mvt?datetime=2019-06-27"
		out := runOGR(t, ogrinfo, "-ro", "-geom=SUMMARY", "-oo", "Z=12", "-oo", "X=2111", "-oo", "Y=1502", tile, "communes")
		wantLines(t, out, "Geometry: Multi Polygon", "code (String) = 13028", "signatory (Integer(Boolean)) = 1", "facilityCount (Integer) = 2")
		tile = "MVT:/vsicurl/" + srv.url + "/ogc/collections/facilities/tiles/WebMercatorQuad/12/1502/2111.mvt?datetime=2019-06-27"
		out = runOGR(t, ogrinfo, "-ro", "-oo", "Z=12", "-oo", "X=2111", "-oo", "Y=1502", tile, "facilities")
		wantLines(t, out, "Feature Count: 2", "type (String) = centre-social", "manager (String) = Association gestionnaire de test")
	})
	if code := srv.stop(t); code != 0 {
		t.Errorf("exit code %d after SIGTERM", code)
	}
}

var extentRE = regexp.MustCompile(`Extent: \(([-0-9.]+), ([-0-9.]+)\) - \(([-0-9.]+), ([-0-9.]+)\)`)

// extentOf reads the Extent line of ogrinfo -so.
func extentOf(t *testing.T, out string) [4]float64 {
	t.Helper()
	m := extentRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no extent in:\n%s", out)
	}
	var e [4]float64
	for i := range e {
		e[i], _ = strconv.ParseFloat(m[i+1], 64)
	}
	return e
}
