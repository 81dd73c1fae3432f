package graph

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/cccs13/cccs-graph/store"
)

// ctx is the context of the tests' store calls: nothing cancels it.
var ctx = context.Background()

var (
	defaultOnce  sync.Once
	defaultStore *store.Store
)

// defaultDataset returns an in-memory store with the embedded default
// dataset, shared by the tests of this package (they only read).
func defaultDataset(t testing.TB) *store.Store {
	t.Helper()
	defaultOnce.Do(func() {
		s, err := store.Open("", nil)
		if err != nil {
			panic(err)
		}
		if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
			panic(err)
		}
		defaultStore = s
	})
	return defaultStore
}

// newClient returns a gqlgen test client on the real handler over s.
func newClient(s *store.Store) *client.Client {
	return client.New(NewHandler(s, Options{Limits: DefaultLimits, Introspection: true, Logger: slog.New(slog.DiscardHandler)}))
}

// query runs a query that must succeed and decodes its data into out.
func query(t testing.TB, c *client.Client, q string, out any, opts ...client.Option) {
	t.Helper()
	if err := c.Post(q, out, opts...); err != nil {
		t.Fatalf("query failed: %v\n%s", err, q)
	}
}

// gqlError is one error of a GraphQL response.
type gqlError struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

// errorsOf runs a query expected to fail and returns its errors.
func errorsOf(t testing.TB, c *client.Client, q string, opts ...client.Option) []gqlError {
	t.Helper()
	resp, err := c.RawPost(q, opts...)
	if err != nil {
		t.Fatalf("RawPost: %v", err)
	}
	var errs []gqlError
	b, _ := json.Marshal(resp.Errors)
	json.Unmarshal(b, &errs)
	if len(errs) == 0 {
		t.Fatalf("query succeeded, want an error:\n%s", q)
	}
	return errs
}

// wantCode fails unless the query fails with code in extensions.code.
func wantCode(t testing.TB, c *client.Client, code, q string, opts ...client.Option) gqlError {
	t.Helper()
	errs := errorsOf(t, c, q, opts...)
	if got := errs[0].Extensions["code"]; got != code {
		t.Fatalf("code = %v (%s), want %s\n%s", got, errs[0].Message, code, q)
	}
	return errs[0]
}

// freshDefault returns an in-memory store of the default dataset of its own,
// for a test that writes (defaultDataset is shared and read only).
func freshDefault(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// smallStore returns an in-memory store with a test file of store/testdata.
func smallStore(t testing.TB, files ...string) *store.Store {
	t.Helper()
	s, err := store.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	var fs []store.File
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, store.File{Name: name, Data: b})
	}
	if _, err := s.Import(ctx, fs...); err != nil {
		t.Fatal(err)
	}
	return s
}
