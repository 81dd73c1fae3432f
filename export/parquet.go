package export

import (
	"io"
	"strconv"

	"github.com/parquet-go/parquet-go"
)

// parquetTypes are the Parquet column types: every column is optional, null
// where the CSV has an empty field.
var parquetTypes = map[columnType]parquet.Node{
	textColumn: parquet.Optional(parquet.String()),
	intColumn:  parquet.Optional(parquet.Int(64)),
	realColumn: parquet.Optional(parquet.Leaf(parquet.DoubleType)),
}

// Parquet writes one collection of the network (see tableOf) as a Parquet
// file (Snappy-compressed, one row group) with the rows and values of the
// CSV: text as UTF-8 strings, integer fields as int64, coordinates as
// doubles, dates as text with their precision ("2015", "2019-06-27").
// Parquet orders a schema's columns by name. Returns ENOTFOUND for an
// unknown collection.
func Parquet(w io.Writer, n *Network, collection string) error {
	t, err := tableOf(n, collection)
	if err != nil {
		return err
	}
	group := parquet.Group{}
	for _, c := range t.columns {
		group[c.name] = parquetTypes[c.typ]
	}
	schema := parquet.NewSchema(t.name, group)
	index := map[string]int{}
	for i, f := range schema.Fields() {
		index[f.Name()] = i
	}
	rows := make([]parquet.Row, len(t.rows))
	for r, cells := range t.rows {
		row := make(parquet.Row, len(t.columns))
		for i, c := range t.columns {
			v, err := parquetValue(c, cells[i])
			if err != nil {
				return err
			}
			row[index[c.name]] = v.Level(0, definition(cells[i]), index[c.name])
		}
		rows[r] = row
	}
	pw := parquet.NewWriter(w, schema, parquet.Compression(&parquet.Snappy))
	if _, err := pw.WriteRows(rows); err != nil {
		return err
	}
	return pw.Close()
}

// definition is the definition level of an optional value: 0 for null.
func definition(cell string) int {
	if cell == "" {
		return 0
	}
	return 1
}

// parquetValue reads a cell's text as its column's type. The texts come
// from checked fields, so a parse error means a field changed type.
func parquetValue(c column, cell string) (parquet.Value, error) {
	if cell == "" {
		return parquet.NullValue(), nil
	}
	switch c.typ {
	case intColumn:
		v, err := strconv.ParseInt(cell, 10, 64)
		return parquet.Int64Value(v), err
	case realColumn:
		v, err := strconv.ParseFloat(cell, 64)
		return parquet.DoubleValue(v), err
	}
	return parquet.ByteArrayValue([]byte(cell)), nil
}
