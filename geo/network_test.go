package geo

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/internal/geotest/geostore"
)

// netFeature is a feature with every property kept as JSON.
type netFeature struct {
	ID         string
	BBox       []float64
	Geometry   *struct{ Type string }
	Properties map[string]any
}

type netCollection struct {
	Type          string
	NumberMatched *int
	Features      []netFeature
}

// byID fetches a collection and indexes its features.
func byID(t *testing.T, url string) map[string]netFeature {
	t.Helper()
	resp, body := get(t, url)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %d %s", url, resp.StatusCode, body)
	}
	out := map[string]netFeature{}
	for _, f := range decode[netCollection](t, body).Features {
		out[f.ID] = f
	}
	return out
}

// props writes the chosen properties of a feature, for comparisons.
func propsOf(f netFeature, names ...string) string {
	var b strings.Builder
	for _, n := range names {
		v, _ := json.Marshal(f.Properties[n])
		b.WriteString(n + "=" + string(v) + " ")
	}
	return strings.TrimSpace(b.String())
}

func TestNetworkOnCommunes(t *testing.T) {
	srv, _ := server(t)
	sig := []string{"signatory", "signatorySince", "signatoryName"}
	for _, tc := range []struct{ query, id, want string }{
		{"datetime=1999-01-01", "insee-13055", `signatory=true signatorySince="1994-07-25" signatoryName="Commune de Marseille"`},
		{"datetime=1999-01-01", "insee-13001", `signatory=false signatorySince=null signatoryName=null`},
		{"datetime=2019-06-27", "insee-13001", `signatory=true signatorySince="2000-05-19" signatoryName="Commune d'Aix-en-Provence"`},
		{"datetime=2019-06-27", "insee-13004", `signatory=true signatorySince="2017" signatoryName="Commune d'Arles"`},
		{"datetime=2019-06-27", "insee-13002", `signatory=null signatorySince=null signatoryName=null`},
	} {
		for _, path := range []string{"/geo/communes.geojson?", "/ogc/collections/communes/items?limit=200&"} {
			f, ok := byID(t, srv.URL+path+tc.query)[tc.id]
			if got := propsOf(f, sig...); !ok || got != tc.want {
				t.Errorf("%s%s %s: %s, want %s", path, tc.query, tc.id, got, tc.want)
			}
		}
	}
	if got := propsOf(byID(t, srv.URL+"/geo/communes.geojson?asOf=1999")["insee-13001"], sig...); got != `signatory=false signatorySince=null signatoryName=null` {
		t.Errorf("Aix with asOf=1999: %s", got)
	}
	counts := []string{"population", "facilityCount", "centresSociaux", "maisonsPourTous", "espacesDeVieSociale", "otherFacilities", "federations", "federationCounts", "asOf"}
	for query, want := range map[string]string{
		"datetime=2019-06-27":    `population=38477 facilityCount=2 centresSociaux=1 maisonsPourTous=1 espacesDeVieSociale=0 otherFacilities=0 federations=2 federationCounts="FED A: 1, FED B: 1" asOf="2019-06-27"`,
		"datetime=2021-01-01":    `population=38477 facilityCount=1 centresSociaux=1 maisonsPourTous=0 espacesDeVieSociale=0 otherFacilities=0 federations=1 federationCounts="FED A: 1" asOf="2021-01-01"`,
		"datetime=2003-01-01":    `population=38477 facilityCount=1 centresSociaux=0 maisonsPourTous=1 espacesDeVieSociale=0 otherFacilities=0 federations=1 federationCounts="FED B: 1" asOf="2003-01-01"`,
		"datetime=../2010-12-31": `population=38477 facilityCount=2 centresSociaux=1 maisonsPourTous=1 espacesDeVieSociale=0 otherFacilities=0 federations=1 federationCounts="FED B: 1" asOf="2010-12-31"`,
	} {
		f := byID(t, srv.URL+"/ogc/collections/communes/items?limit=200&"+query)[geostore.LaCiotat]
		if got := propsOf(f, counts...); got != want {
			t.Errorf("La Ciotat, %s: %s\nwant %s", query, got, want)
		}
	}
	zone := byID(t, srv.URL+"/geo/zones-de-vie-sociale.geojson?asOf=2019")["zvs-13001-est"]
	if got := propsOf(zone, "commune", "facilityCount", "espacesDeVieSociale", "otherFacilities", "facilityNames", "signatory"); got != `commune="13001" facilityCount=2 espacesDeVieSociale=1 otherFacilities=1 facilityNames="Centre social de test; EVS Aix est" signatory=true` {
		t.Errorf("zone 13001-est: %s", got)
	}
}

func TestFacilitiesCollection(t *testing.T) {
	srv, _ := server(t)
	fs := byID(t, srv.URL+"/geo/facilities.geojson?asOf=2019-06-27")
	for _, id := range []string{geostore.Facility, "cs-test-port", "mpt-test", "evs-aix-est"} {
		if fs[id].ID == "" {
			t.Errorf("facility %s missing in 2019", id)
		}
	}
	if fs[geostore.Facility].Geometry != nil || fs["cs-test-port"].Geometry == nil || fs["cs-test-port"].Geometry.Type != "Point" {
		t.Errorf("geometries: %+v, %+v", fs[geostore.Facility].Geometry, fs["cs-test-port"].Geometry)
	}
	want := `type="centre-social" typeName="Centre social" status="open" manager="Association gestionnaire de test" federation="FED A" federationId="federation-test-a" commune="13028" territory="insee-13028" opened="2005"`
	if got := propsOf(fs["cs-test-port"], "type", "typeName", "status", "manager", "federation", "federationId", "commune", "territory", "opened"); got != want {
		t.Errorf("cs-test-port: %s\nwant %s", got, want)
	}
	if got := propsOf(byID(t, srv.URL+"/geo/facilities.geojson?asOf=2011")["cs-test-port"], "manager", "federation"); got != "manager=null federation=null" {
		t.Errorf("cs-test-port in 2011: %s", got)
	}
	if fs := byID(t, srv.URL+"/ogc/collections/facilities/items?limit=1000&datetime=2021-01-01"); fs["cs-test-port"].ID == "" || fs["mpt-test"].ID != "" {
		t.Errorf("facilities in 2021 (the MPT closed in 2020): %v", fs)
	}
	during := byID(t, srv.URL+"/ogc/collections/facilities/items?limit=1000&datetime=2019-01-01T00:00:00Z/2021-01-01T00:00:00Z")
	if got := propsOf(during["mpt-test"], "status", "closed"); got != `status="closed" closed="2020-06-30"` {
		t.Errorf("the MPT over 2019-2021: %s", got)
	}
	inBox := byID(t, srv.URL+"/ogc/collections/facilities/items?datetime=2019-06-27&bbox=5.60,43.17,5.61,43.18")
	if len(inBox) != 2 || inBox["cs-test-port"].ID == "" || inBox["mpt-test"].ID == "" {
		t.Errorf("facilities in a box of La Ciotat: %v", inBox)
	}
	if got := decode[collectionDocJSON](t, must(get(t, srv.URL+"/ogc/collections/facilities"))); got.ID != "facilities" {
		t.Errorf("collection facilities: %+v", got)
	}
}

func TestPointQuery(t *testing.T) {
	srv, _ := server(t)
	here := byID(t, srv.URL+"/geo/territories.geojson?point=5.3698,43.2965")
	if len(here) != 1 || here["insee-13055"].ID == "" {
		t.Errorf("territories at the Vieux-Port: %v", here)
	}
	here = byID(t, srv.URL+"/ogc/collections/territories/items?filter="+url.QueryEscape("S_INTERSECTS(geometry,POINT(5.4624 43.5297))"))
	ids := slices.Sorted(func(yield func(string) bool) {
		for id := range here {
			yield(id)
		}
	})
	if !slices.Equal(ids, []string{"insee-13001", "zvs-13001-est"}) {
		t.Errorf("territories at EastPoint: %v", ids)
	}
}
