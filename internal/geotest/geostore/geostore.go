// Package geostore builds, for the tests of the layers above the store, an
// in-memory store with the default dataset, the real communes of
// ../shared/data/geo and zones de vie sociale made from halves of
// Aix-en-Provence (geotest.Zones: no public zone geometries exist). It is
// apart from geotest because the store's own tests use geotest.
package geostore

import (
	"testing"

	"github.com/cccs13/cccs-graph/internal/geotest"
	"github.com/cccs13/cccs-graph/store"
)

// Facility is the id of the test facility that serves the zone 13001-est.
const Facility = "cs-test"

// New returns the store, closed when the test ends; the test is skipped
// without the real geodata.
func New(t testing.TB) *store.Store {
	t.Helper()
	ctx := t.Context()
	s, err := store.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	communes := store.File{Name: geotest.Communes, Data: geotest.Read(t, geotest.Communes)}
	if _, err := s.ImportLayer(ctx, store.Layer{Kind: "commune", File: communes, Source: "cog-insee-2018"}); err != nil {
		t.Fatal(err)
	}
	facility := []byte("nodes:\n  - {id: " + Facility + ", kind: facility, name: Centre social de test, sources: [{source: cog-insee-2018}]}\n")
	if _, err := s.Import(ctx, store.File{Name: "facility.yaml", Data: facility}); err != nil {
		t.Fatal(err)
	}
	zones := store.File{Name: "zones-aix.geojson", Data: geotest.Zones(t, Facility)}
	if _, err := s.ImportLayer(ctx, store.Layer{Kind: "zone-de-vie-sociale", File: zones}); err != nil {
		t.Fatal(err)
	}
	return s
}
