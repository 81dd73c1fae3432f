package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/cccs13/cccs-graph/store"
)

// facilityLayer is the -layer value that imports a spreadsheet of facilities
// rather than a GeoJSON layer of territories.
const facilityLayer = "facility"

// importFacilities imports one CSV spreadsheet of facilities (docs/dataset.md).
func importFacilities(ctx context.Context, s *store.Store, file, source string, dryRun bool, stdout io.Writer) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	// One byte more than the store takes, so that it says the file is too large.
	b, err := io.ReadAll(io.LimitReader(f, store.MaxFacilityFile+1))
	if err != nil {
		return err
	}
	res, err := s.ImportFacilities(ctx, store.FacilitySheet{File: store.File{Name: file, Data: b}, Source: source, DryRun: dryRun})
	if err != nil {
		return err
	}
	verb := "imported"
	if dryRun {
		verb = "checked (dry run, nothing written)"
	}
	fmt.Fprintf(stdout, "%s facilities from %s: %d row(s); %d facility(ies) created, %d updated, %d unchanged; %d source(s) created, %d relation(s) written\n",
		verb, file, res.Rows, res.Created, res.Updated, res.Unchanged, res.SourcesCreated, res.RelationsWritten)
	return nil
}
