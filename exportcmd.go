package main

import (
	"context"
	"flag"
	"io"
	"net/url"
	"strings"

	"github.com/cccs13/cccs-graph/export"
)

// exportCmd writes the dataset (yaml, the default, for import) or the
// network for analysts' tools (graphml, gexf, csv, parquet, json), as of a
// date or whole, for some relation kinds or all.
func exportCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var out, format, asOf, collection, kinds string
	var req export.Request
	_, s, rem, err := storeCommand(ctx, "export", "export [options]", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "o", "", "output file (default: standard output)")
		fs.StringVar(&format, "format", export.FormatYAML, "yaml (the dataset, for import), graphml, gexf, csv, parquet or json")
		fs.StringVar(&asOf, "asof", "", "all but yaml: only what is in force at some time during this date (YYYY, YYYY-MM or YYYY-MM-DD)")
		fs.StringVar(&kinds, "kinds", "", "all but yaml: only the relations of these kinds (comma-separated, as the dataset names them: signatory,member-of) and the nodes at their ends")
		fs.StringVar(&collection, "collection", "", "csv, parquet: the collection to write, one of "+strings.Join(export.Collections(), ", "))
	}, func(*flag.FlagSet) error {
		req = export.Request{Format: format, Collection: collection}
		if asOf != "" {
			d, err := export.ParseAsOf(asOf)
			if err != nil {
				return err
			}
			req.AsOf = d
		}
		if kinds != "" {
			ks, err := export.ParseKinds(kinds)
			if err != nil {
				return err
			}
			req.Kinds = ks
		}
		return req.Validate()
	})
	if err != nil {
		return err
	}
	if rem != nil {
		q := url.Values{"format": {format}, "asOf": {asOf}, "collection": {collection}, "kinds": {kinds}}
		return rem.download("/admin/export", q, out, stdout)
	}
	defer s.Close()
	return writeOutput(out, stdout, func(w io.Writer) error { return export.Write(ctx, w, s, req) })
}
