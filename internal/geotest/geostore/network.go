package geostore

import (
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/cccs13/cccs-graph/store"
)

// LaCiotat is where the test facilities are: a signatory commune (since 19 May
// 2000) where the dataset places no facility, so that the tests' counts are
// theirs whatever the dataset holds; Population is its legal population (INSEE
// COG 2026, ../shared/data/admin/communes-13.csv), given to it by WithNetwork.
const (
	LaCiotat   = "insee-13028"
	Population = 38477
)

// NetworkYAML are facilities, federations and a manager made for the tests,
// placed with real coordinates of the test's choosing:
//   - cs-test-port, a centre social in La Ciotat (5.6047, 43.1746), opened in
//     2005, managed by gestionnaire-test from 2012, in FED A from 2015;
//   - mpt-test, a Maison Pour Tous in La Ciotat (5.6080, 43.1790), in FED B,
//     closed on 30 June 2020;
//   - evs-aix-est, an Espace de Vie Sociale at geotest.EastPoint in
//     Aix-en-Provence, in FED A, serving the zone 13001-est;
//
// beside cs-test of New (no type, no point, serving 13001-est).
const NetworkYAML = `
nodes:
  - {id: federation-test-a, kind: organization, name: Fédération de test A, shortName: FED A, fields: {category: federation}, sources: [{source: cog-insee-2018}]}
  - {id: federation-test-b, kind: organization, name: Fédération de test B, shortName: FED B, fields: {category: federation}, sources: [{source: cog-insee-2018}]}
  - {id: gestionnaire-test, kind: organization, name: Association gestionnaire de test, fields: {category: association}, sources: [{source: cog-insee-2018}]}
  - {id: cs-test-port, kind: facility, name: Centre social du port (test), fields: {latitude: "43.1746", longitude: "5.6047", opened: "2005", address: "1 quai du Port"}, sources: [{source: cog-insee-2018}]}
  - {id: mpt-test, kind: facility, name: Maison Pour Tous (test), fields: {latitude: "43.1790", longitude: "5.6080", closed: "2020-06-30"}, sources: [{source: cog-insee-2018}]}
  - {id: evs-aix-est, kind: facility, name: EVS Aix est, fields: {latitude: "43.5297", longitude: "5.4624"}, sources: [{source: cog-insee-2018}]}
relations:
  - {kind: instance-of, from: cs-test-port, to: centre-social, sources: [{source: cog-insee-2018}]}
  - {kind: instance-of, from: mpt-test, to: maison-pour-tous, sources: [{source: cog-insee-2018}]}
  - {kind: instance-of, from: evs-aix-est, to: espace-de-vie-sociale, sources: [{source: cog-insee-2018}]}
  - {kind: located-in, from: cs-test-port, to: insee-13028, sources: [{source: cog-insee-2018}]}
  - {kind: located-in, from: mpt-test, to: insee-13028, sources: [{source: cog-insee-2018}]}
  - {kind: located-in, from: evs-aix-est, to: insee-13001, sources: [{source: cog-insee-2018}]}
  - {kind: manages, from: gestionnaire-test, to: cs-test-port, validFrom: "2012", sources: [{source: cog-insee-2018}]}
  - {kind: affiliated-to, from: cs-test-port, to: federation-test-a, validFrom: "2015", sources: [{source: cog-insee-2018}]}
  - {kind: affiliated-to, from: mpt-test, to: federation-test-b, sources: [{source: cog-insee-2018}]}
  - {kind: affiliated-to, from: evs-aix-est, to: federation-test-a, sources: [{source: cog-insee-2018}]}
  - {kind: serves, from: evs-aix-est, to: zvs-13001-est, sources: [{source: cog-insee-2018}]}
`

// WithNetwork returns the store of New with the records of NetworkYAML and
// La Ciotat's population.
func WithNetwork(t testing.TB) *store.Store {
	t.Helper()
	s := New(t)
	commune, err := s.Node(t.Context(), LaCiotat)
	if err != nil {
		t.Fatal(err)
	}
	commune.Fields["population"] = "38477"
	update, err := yaml.Marshal(map[string]any{"nodes": []any{commune}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []store.File{{Name: "la-ciotat.yaml", Data: update}, {Name: "network.yaml", Data: []byte(NetworkYAML)}} {
		if _, err := s.Import(t.Context(), f); err != nil {
			t.Fatal(err)
		}
	}
	return s
}
