package export

import (
	"encoding/csv"
	"io"
)

// CSV writes one collection of the network (see tableOf) as RFC 4180 CSV in
// UTF-8: a header row, CRLF line ends, fields quoted where they hold a
// comma, a quote or a line break. Returns ENOTFOUND for an unknown
// collection.
func CSV(w io.Writer, n *Network, collection string) error {
	t, err := tableOf(n, collection)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	header := make([]string, len(t.columns))
	for i, c := range t.columns {
		header[i] = c.name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, row := range t.rows {
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
