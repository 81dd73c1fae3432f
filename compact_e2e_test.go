package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// A data directory left by several short processes (each flushes a level-0
// table when it closes, as each import does) is compacted by the server in
// the background, and it answers all along.
func TestServerCompactsTheTablesImportsLeft(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	for i := range 8 {
		s, err := store.Open(data, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
			t.Fatal(err)
		}
		caf, err := s.Node(ctx, "caf-13")
		if err != nil {
			t.Fatal(err)
		}
		rename := func(n *domain.Node) error { n.Name = fmt.Sprintf("Caisse des centres %d", i); return nil }
		if _, err := s.UpdateNode(ctx, "caf-13", caf.Version, rename, store.Meta{Actor: "caf", Reason: "test", Sources: caf.Sources}); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	srv := startServer(t, data)
	var resp struct {
		Data struct{ Node struct{ Name string } }
	}
	srv.post(t, `{ node(id: "caf-13") { name } }`, &resp)
	if resp.Data.Node.Name != "Caisse des centres 7" {
		t.Errorf("caf-13 is named %q", resp.Data.Node.Name)
	}
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(srv.logs.String(), "compacted the tables into one level"); {
		if time.Now().After(deadline) {
			t.Fatalf("no compaction logged:\n%s", srv.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code := srv.stop(t); code != 0 {
		t.Errorf("exit code %d:\n%s", code, srv.logs)
	}
	// Compacted once: the next start has nothing to do.
	srv = startServer(t, data)
	srv.post(t, `{ node(id: "caf-13") { name } }`, &resp)
	if code := srv.stop(t); code != 0 || strings.Contains(srv.logs.String(), "compacted the tables") || resp.Data.Node.Name != "Caisse des centres 7" {
		t.Errorf("second start: exit %d, caf-13 %q:\n%s", code, resp.Data.Node.Name, srv.logs)
	}
}
