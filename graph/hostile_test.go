package graph

import (
	"log/slog"
	"testing"

	"github.com/99designs/gqlgen/client"
)

// TestKnownAtOutsideNanosecondTime: an instant after 2262 or before 1678
// has no Unix time in nanoseconds (the knownAt keys' clock); it is after
// every write, or before all of them, never wrapped to an arbitrary one.
func TestKnownAtOutsideNanosecondTime(t *testing.T) {
	s := defaultDataset(t)
	c := client.New(NewHandler(s, Options{Limits: DefaultLimits, Logger: slog.New(slog.DiscardHandler),
		At: func(v uint64) Reader { return s.At(v) }}))
	for at, want := range map[string]bool{
		"9999-12-31T23:59:59Z": true, "2263-01-01T00:00:00Z": true, "3000-06-01T00:00:00+14:00": true,
		"0001-01-01T00:00:00Z": false, "1000-01-01T00:00:00Z": false, "1677-01-01T00:00:00Z": false, "1969-12-31T23:59:59Z": false,
	} {
		var out struct{ Node *struct{ ID string } }
		query(t, c, `query($k: DateTime) { node(id: "cccs", knownAt: $k) { id } }`, &out, client.Var("k", at))
		if got := out.Node != nil; got != want {
			t.Errorf("knownAt %s: the node is there: %v, want %v", at, got, want)
		}
	}
}
