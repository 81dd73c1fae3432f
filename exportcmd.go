package main

import (
	"context"
	"flag"
	"io"
	"strings"

	"github.com/cccs13/cccs-graph/export"
)

// exportCmd writes the dataset (yaml, the default, for import) or the
// network for analysts' tools (graphml, csv, json), as of a date or whole.
func exportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	dataFlag(fs, &c)
	out := fs.String("o", "", "output file (default: standard output)")
	format := fs.String("format", export.FormatYAML, "yaml (the dataset, for import), graphml, csv or json")
	asOf := fs.String("asof", "", "graphml, csv, json: only what is in force at some time during this date (YYYY, YYYY-MM or YYYY-MM-DD)")
	collection := fs.String("collection", "", "csv: the collection to write, one of "+strings.Join(export.Collections(), ", "))
	if err := parse(fs, args, stderr, "export [options]"); err != nil {
		return err
	}
	if err := c.Validate(); err != nil {
		return err
	}
	req := export.Request{Format: *format, Collection: *collection}
	if *asOf != "" {
		d, err := export.ParseAsOf(*asOf)
		if err != nil {
			return err
		}
		req.AsOf = d
	}
	// Checked before the store is opened: a typo costs nothing.
	if err := req.Validate(); err != nil {
		return err
	}
	s, err := openStore(&c, newLogger(&c, stderr))
	if err != nil {
		return err
	}
	defer s.Close()
	return writeOutput(*out, stdout, func(w io.Writer) error { return export.Write(w, s, req) })
}
