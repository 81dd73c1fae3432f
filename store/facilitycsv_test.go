package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/cccs13/cccs-graph/domain"
)

const facilityHeader = "name,type,street_address,postcode,commune,insee_code,federation,manager,first_agrement_date,siret,latitude,longitude,source_url,source_excerpt\n"

// A row that imports into the default dataset; cases below change one cell.
const goodFacilityRow = `Centre social des Essais,centre social,1 rue du Test,13003,Marseille,13203,UCS 13,,2020-09,,43.31,5.38,https://example.org/a | https://example.org/b,[1] Centre social des Essais || [2] agréé en septembre 2020` + "\n"

func importCSV(t *testing.T, s *Store, csv string) (FacilityResult, error) {
	t.Helper()
	return s.ImportFacilities(ctx, FacilitySheet{File: File{Name: "essai.csv", Data: []byte(csv)}})
}

func TestImportFacilitiesCreatesThenJoins(t *testing.T) {
	s := openTest(t)
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	before, _ := s.DataVersion(ctx)
	dry, err := s.ImportFacilities(ctx, FacilitySheet{File: File{Name: "essai.csv", Data: []byte(facilityHeader + goodFacilityRow)}, DryRun: true})
	if after, _ := s.DataVersion(ctx); err != nil || dry.Created != 1 || after != before {
		t.Fatalf("dry run: %+v, %v; data version %d -> %d", dry, err, before, after)
	}
	if _, err := s.Node(ctx, FacilityID("Marseille", "Centre social des Essais")); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("the dry run wrote: %v", err)
	}
	res, err := importCSV(t, s, facilityHeader+goodFacilityRow)
	if err != nil {
		t.Fatal(err)
	}
	// One facility, the file's source and two web sources; type, place, federation.
	if res.Created != 1 || res.SourcesCreated != 3 || res.RelationsWritten != 3 {
		t.Fatalf("first import: %+v", res)
	}
	id := FacilityID("Marseille", "Centre social des Essais")
	n, err := s.Node(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if id != "marseille-centre-social-des-essais" || n.Field("latitude") != "43.31" || n.Field("agrementFrom") != "2020-09" || len(n.Sources) != 3 {
		t.Errorf("%s: %+v", id, n)
	}
	again, err := importCSV(t, s, facilityHeader+goodFacilityRow)
	if err != nil || again.Changed() || again.Unchanged != 1 {
		t.Errorf("second import: %+v, %v: want nothing written", again, err)
	}
	// A curated field stays; the columns' fields follow the spreadsheet.
	n.Fields["note"] = "curated"
	if _, err := s.Import(ctx, File{Name: "curated.yaml", Data: mustYAML(t, &Dataset{Nodes: []*domain.Node{n}})}); err != nil {
		t.Fatal(err)
	}
	moved := strings.Replace(strings.Replace(goodFacilityRow, "1 rue du Test", "2 rue du Test", 1), ",2020-09,,", ",2020-09,12345678901234,", 1)
	res, err = importCSV(t, s, facilityHeader+moved)
	if err != nil || res.Updated != 1 || res.RelationsWritten != 0 {
		t.Fatalf("update: %+v, %v", res, err)
	}
	n, _ = s.Node(ctx, id)
	if n.Field("address") != "2 rue du Test" || n.Field("siret") != "12345678901234" || n.Field("note") != "curated" {
		t.Errorf("after the update: %+v", n.Fields)
	}
}

func TestImportFacilitiesReportsEveryBadRow(t *testing.T) {
	s := openTest(t)
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	row := func(from, to string) string { return strings.Replace(goodFacilityRow, from, to, 1) }
	cases := []struct{ name, csv, want string }{
		{"missing column", strings.Replace(facilityHeader, ",siret", "", 1) + goodFacilityRow, `line 1: missing column "siret"`},
		{"unknown column", strings.Replace(facilityHeader, "siret", "sirene", 1) + goodFacilityRow, `line 1: unknown column "sirene"`},
		{"cells", facilityHeader + "a,b,c\n", "line 2: 3 cells, the header has 14"},
		{"no name", facilityHeader + row("Centre social des Essais,", ","), "line 2: name is empty"},
		{"type", facilityHeader + row(",centre social,", ",crèche,"), `line 2: type "crèche" is not one of`},
		{"insee", facilityHeader + row(",13203,", ",13999,"), `line 2: insee_code "13999" is not a commune`},
		{"commune", facilityHeader + row(",Marseille,", ",Aubagne,"), `line 2: commune "Aubagne" does not match insee_code 13203 (Marseille)`},
		{"postcode", facilityHeader + row(",13003,", ",13004,"), "line 2: postcode 13004 is not one of Marseille 3e Arrondissement"},
		{"half point", facilityHeader + row(",43.31,5.38,", ",43.31,,"), "line 2: latitude and longitude go together"},
		{"point", facilityHeader + row(",43.31,5.38,", ",543.31,5.38,"), `line 2: latitude "543.31", longitude "5.38" is not a point`},
		{"federation", facilityHeader + row(",UCS 13,", ",Fédération inconnue (2019),"), `line 2: federation "Fédération inconnue (2019)" is not an organisation`},
		{"date", facilityHeader + row(",2020-09,", ",septembre 2020,"), `line 2: first_agrement_date "septembre 2020" is not a date`},
		{"siret", facilityHeader + row(",2020-09,,", ",2020-09,123,"), `line 2: siret "123" is not 14 digits`},
		{"url", facilityHeader + row("https://example.org/a", "ftp://example.org/a"), `line 2: source_url "ftp://example.org/a" is not an http(s) URL`},
		{"excerpt number", facilityHeader + row("[2] agréé", "[3] agréé"), "line 2: source_excerpt [3] names no URL: there are 2"},
		{"excerpt form", facilityHeader + row("[2] agréé", "agréé"), `line 2: source_excerpt "agréé en septembre 2020" does not start with [n]`},
		{"uncited url", facilityHeader + row(" || [2] agréé en septembre 2020", ""), "line 2: source_url [2] https://example.org/b has no excerpt"},
		{"no source", facilityHeader + row("https://example.org/a | https://example.org/b,[1] Centre social des Essais || [2] agréé en septembre 2020", ","), "line 2: a facility needs at least one source_url"},
		{"same facility", facilityHeader + goodFacilityRow + goodFacilityRow, "line 3: same facility as line 2"},
		{"long cell", facilityHeader + row("1 rue du Test", strings.Repeat("x", maxFacilityCell+1)), "line 2: street_address has 4001 bytes"},
		{"not csv", facilityHeader + `a "b,c` + "\n", `parse error on line 2`},
		{"latin-1", facilityHeader + row("Centre social des Essais,", "Centre social de l'\xe9tang,"), "line 2: byte 0xE9 is not UTF-8: save the file as CSV UTF-8"},
		{"geojson", "\n  " + `{"type": "FeatureCollection", "features": []}`, "line 1: this looks like JSON: the facility layer is a CSV file with the columns name, "},
		{"every row", facilityHeader + row(",13203,", ",13999,") + goodFacilityRow + row("Centre social des Essais,centre social", "Autre essai,MJC"), "line 4: type \"MJC\""},
	}
	before, _ := s.DataVersion(ctx)
	for _, c := range cases {
		_, err := importCSV(t, s, c.csv)
		if domain.ErrorCode(err) != domain.EBADINPUT || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v\nwant %s containing %q", c.name, err, domain.EBADINPUT, c.want)
		}
	}
	if _, err := importCSV(t, s, facilityHeader+row(",13203,", ",13999,")+goodFacilityRow); !strings.Contains(err.Error(), "1 problem(s)") {
		t.Errorf("one bad row of two: %v", err)
	}
	if after, _ := s.DataVersion(ctx); after != before {
		t.Errorf("bad imports wrote: data version %d -> %d", before, after)
	}
	if _, err := s.Node(ctx, FacilityID("Marseille", "Centre social des Essais")); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("the good row of a bad file was written: %v", err)
	}
}

// The embedded facilities are the shared spreadsheet as the importer writes
// it, curated: importing the spreadsheet again changes nothing.
func TestSharedFacilitiesAreInTheDefaultDataset(t *testing.T) {
	shared := sharedDirBesideRepo(t)
	if shared == "" {
		t.Skip("../shared is absent")
	}
	b, err := os.ReadFile(filepath.Join(shared, "data/network/facilities.csv"))
	if err != nil {
		t.Fatal(err)
	}
	s := openTest(t)
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	before, _ := s.NodesOfKind(ctx, domain.KindFacility)
	res, err := s.ImportFacilities(ctx, FacilitySheet{File: File{Name: "data/network/facilities.csv", Data: b}})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := s.NodesOfKind(ctx, domain.KindFacility)
	for i := range after {
		if a, b := mustYAML(t, &Dataset{Nodes: after[i : i+1]}), mustYAML(t, &Dataset{Nodes: before[i : i+1]}); string(a) != string(b) {
			t.Errorf("%s\n%s", b, a)
			break
		}
	}
	if res.Rows != 77 || res.Unchanged != 77 || res.Changed() {
		t.Errorf("importing facilities.csv into the default dataset: %+v, want 77 rows unchanged", res)
	}
}

func mustYAML(t *testing.T, ds *Dataset) []byte {
	t.Helper()
	b, err := yaml.Marshal(ds)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A spreadsheet's writes are in the history, with the import's actor.
func TestImportFacilitiesRecordsItsChanges(t *testing.T) {
	s := openTest(t)
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := s.ImportFacilities(ctx, FacilitySheet{File: File{Name: "essai.csv", Data: []byte(facilityHeader + goodFacilityRow)}, Actor: "ops"})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.Changes(ctx, ChangeQuery{Actor: "ops"})
	if want := res.Created + res.SourcesCreated + res.RelationsWritten; err != nil || len(cs) != want {
		t.Fatalf("%d changes by ops, want %d (%+v): %v", len(cs), want, res, err)
	}
	h, _ := s.History(ctx, Target{TargetNode, FacilityID("Marseille", "Centre social des Essais")})
	if len(h) != 1 || h[0].Operation != OpCreateNode || h[0].Reason != "facility spreadsheet essai.csv" {
		t.Errorf("the facility's history: %+v", h)
	}
}
