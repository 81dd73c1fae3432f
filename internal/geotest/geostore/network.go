package geostore

import (
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/cccs13/cccs-graph/store"
)

// Population is the legal population given to Marseille (13055).
const Population = 886040

// NetworkYAML are facilities made for the tests (the default dataset names
// none yet), placed with real coordinates of the test's choosing:
//   - cs-vieux-port, a centre social at geotest.MarseillePoint, opened in 2005,
//     managed by Léo Lagrange from 2012, in UCS 13 from 2015;
//   - mpt-belsunce, a Maison Pour Tous in Marseille, in FAIL 13, closed on
//     30 June 2020;
//   - evs-aix-est, an Espace de Vie Sociale at geotest.EastPoint in
//     Aix-en-Provence, in UCS 13, serving the zone 13001-est;
//
// beside cs-test of New (no type, no point, serving 13001-est).
const NetworkYAML = `
nodes:
  - {id: cs-vieux-port, kind: facility, name: Centre social du Vieux-Port, fields: {latitude: "43.2965", longitude: "5.3698", opened: "2005", address: "1 quai du Port"}, sources: [{source: cog-insee-2018}]}
  - {id: mpt-belsunce, kind: facility, name: Maison Pour Tous Belsunce, fields: {latitude: "43.3000", longitude: "5.3760", closed: "2020-06-30"}, sources: [{source: cog-insee-2018}]}
  - {id: evs-aix-est, kind: facility, name: EVS Aix est, fields: {latitude: "43.5297", longitude: "5.4624"}, sources: [{source: cog-insee-2018}]}
relations:
  - {kind: instance-of, from: cs-vieux-port, to: centre-social, sources: [{source: cog-insee-2018}]}
  - {kind: instance-of, from: mpt-belsunce, to: maison-pour-tous, sources: [{source: cog-insee-2018}]}
  - {kind: instance-of, from: evs-aix-est, to: espace-de-vie-sociale, sources: [{source: cog-insee-2018}]}
  - {kind: located-in, from: cs-vieux-port, to: insee-13055, sources: [{source: cog-insee-2018}]}
  - {kind: located-in, from: mpt-belsunce, to: insee-13055, sources: [{source: cog-insee-2018}]}
  - {kind: located-in, from: evs-aix-est, to: insee-13001, sources: [{source: cog-insee-2018}]}
  - {kind: manages, from: leo-lagrange-mediterranee, to: cs-vieux-port, validFrom: "2012", sources: [{source: cog-insee-2018}]}
  - {kind: affiliated-to, from: cs-vieux-port, to: ucs-13, validFrom: "2015", sources: [{source: cog-insee-2018}]}
  - {kind: affiliated-to, from: mpt-belsunce, to: fail-13, sources: [{source: cog-insee-2018}]}
  - {kind: affiliated-to, from: evs-aix-est, to: ucs-13, sources: [{source: cog-insee-2018}]}
  - {kind: serves, from: evs-aix-est, to: zvs-13001-est, sources: [{source: cog-insee-2018}]}
`

// WithNetwork returns the store of New with the facilities of NetworkYAML
// and Marseille's population.
func WithNetwork(t testing.TB) *store.Store {
	t.Helper()
	s := New(t)
	marseille, err := s.Node(t.Context(), "insee-13055")
	if err != nil {
		t.Fatal(err)
	}
	marseille.Fields["population"] = "886040"
	update, err := yaml.Marshal(map[string]any{"nodes": []any{marseille}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []store.File{{Name: "marseille.yaml", Data: update}, {Name: "network.yaml", Data: []byte(NetworkYAML)}} {
		if _, err := s.Import(t.Context(), f); err != nil {
			t.Fatal(err)
		}
	}
	return s
}
