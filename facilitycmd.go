package main

import (
	"context"
	"fmt"
	"io"

	"github.com/cccs13/cccs-graph/store"
)

// facilityLayer is the -layer value that imports a spreadsheet of facilities
// rather than a GeoJSON layer of territories.
const facilityLayer = "facility"

// importFacilities imports one CSV spreadsheet of facilities (docs/dataset.md).
func importFacilities(ctx context.Context, s *store.Store, f store.File, source string, dryRun bool, stdout io.Writer) error {
	res, err := s.ImportFacilities(ctx, store.FacilitySheet{File: f, Source: source, DryRun: dryRun})
	if err != nil {
		return err
	}
	printFacilityResult(stdout, f.Name, dryRun, res)
	return nil
}

func printFacilityResult(w io.Writer, file string, dryRun bool, res store.FacilityResult) {
	verb := "imported"
	if dryRun {
		verb = "checked (dry run, nothing written)"
	}
	fmt.Fprintf(w, "%s facilities from %s: %d row(s); %d facility(ies) created, %d updated, %d unchanged; %d source(s) created, %d relation(s) written\n",
		verb, file, res.Rows, res.Created, res.Updated, res.Unchanged, res.SourcesCreated, res.RelationsWritten)
}
