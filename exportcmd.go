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
	var out, format, asOf, collection string
	var req export.Request
	_, s, err := storeCommand(ctx, "export", "export [options]", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "o", "", "output file (default: standard output)")
		fs.StringVar(&format, "format", export.FormatYAML, "yaml (the dataset, for import), graphml, csv or json")
		fs.StringVar(&asOf, "asof", "", "graphml, csv, json: only what is in force at some time during this date (YYYY, YYYY-MM or YYYY-MM-DD)")
		fs.StringVar(&collection, "collection", "", "csv: the collection to write, one of "+strings.Join(export.Collections(), ", "))
	}, func(*flag.FlagSet) error {
		req = export.Request{Format: format, Collection: collection}
		if asOf != "" {
			d, err := export.ParseAsOf(asOf)
			if err != nil {
				return err
			}
			req.AsOf = d
		}
		return req.Validate()
	})
	if err != nil {
		return err
	}
	defer s.Close()
	return writeOutput(out, stdout, func(w io.Writer) error { return export.Write(ctx, w, s, req) })
}
