package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestMapsPagingNearTheLargestOffset: an items page at an offset near the
// largest integer has no next page (offset+limit wraps below zero, and the
// "next" link led back to the first page: a client following next links
// starts over).
func TestMapsPagingNearTheLargestOffset(t *testing.T) {
	srv := testServer(t)
	for _, path := range []string{
		"/ogc/collections/territories/items?offset=9223372036854775807&limit=10",
		"/ogc/collections/communes/items?offset=9223372036854775800&limit=500",
	} {
		resp, body := fetch(t, srv, path)
		var page struct {
			NumberReturned int
			Links          []struct{ Href, Rel string }
		}
		if err := json.Unmarshal(body, &page); err != nil || resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("%s: %d %.300s", path, resp.StatusCode, body)
		}
		for _, l := range page.Links {
			if l.Rel == "next" {
				t.Errorf("%s: a next page after none returned: %s", path, l.Href)
			}
			if l.Rel != "collection" && !strings.Contains(l.Href, "offset=") {
				t.Errorf("%s: the %s link leads to the first page: %s", path, l.Rel, l.Href)
			}
		}
	}
}

// TestIdleConnectionsAreBounded: connections that made one request and
// then sit idle (keep-alive, 120 s) or send half a header cost the server a
// goroutine and buffers each; with no cap on connections, 1,000 of them
// (20,000 is the file limit here) hold 1,000 goroutines and tens of MB, and
// past the file limit the server stops accepting anyone.
func TestIdleConnectionsAreBounded(t *testing.T) {
	s := startServer(t, t.TempDir())
	before := s.metrics(t)["go_goroutines"]
	const idle = 1000
	conns := make([]net.Conn, 0, idle)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	addr := strings.TrimPrefix(s.url, "http://")
	for i := range idle {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			break // refused: what a cap may do
		}
		conns = append(conns, c)
		if i%2 == 0 { // one request, then idle
			fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := http.ReadResponse(bufio.NewReader(c), nil); err != nil {
				break
			}
		} else { // half a header
			fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n")
		}
	}
	if got := s.metrics(t)["go_goroutines"] - before; got > idle/4 {
		t.Errorf("%d idle or half-open connections hold %.0f more goroutines", len(conns), got)
	}
	if resp, _ := get(t, s.url+"/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("healthz under idle connections: %d", resp.StatusCode)
	}
}

// TestTileCoordinatesAreCanonical: z/y/x are written one way. "+2", "02"
// or a thousand leading zeros name the tile 2/1/2 again under another key
// of the map cache: each spelling is built anew and kept beside the others
// (a 100 KB spelling flushes the cache in a few requests).
func TestTileCoordinatesAreCanonical(t *testing.T) {
	srv := testServer(t)
	base := "/ogc/collections/territories/tiles/WebMercatorQuad/"
	if resp, body := fetch(t, srv, base+"2/1/2"); resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusNoContent {
		t.Fatalf("2/1/2: %d %.200s", resp.StatusCode, body)
	}
	for _, zyx := range []string{"+2/1/2", "02/1/2", "2/01/2", "2/1/+2", strings.Repeat("0", 1000) + "2/1/2"} {
		resp, body := fetch(t, srv, base+zyx)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), `"BAD_USER_INPUT"`) || len(body) > 400 {
			t.Errorf("%.20s: %d %.200s, want 400 BAD_USER_INPUT, short", zyx, resp.StatusCode, body)
		}
	}
}

// TestSlowBodiesHoldNoPlace: clients that send their headers and then
// their body slowly (here: never) are not among the requests in flight,
// whose places go to operations: with one place and three such clients
// (two queries, one admin import), a GraphQL query and an export still run.
func TestSlowBodiesHoldNoPlace(t *testing.T) {
	s := startServer(t, t.TempDir(), "-max-in-flight", "1")
	addr := strings.TrimPrefix(s.url, "http://")
	base := s.metrics(t)["go_goroutines"]
	for _, path := range []string{"/graphql", "/graphql", "/admin/import?name=x.yaml"} {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"query\":", path)
	}
	// The three are accepted (a goroutine each) before the next request is
	// sent, and their headers are read at once.
	for i := 0; i < 100 && s.metrics(t)["go_goroutines"] < base+3; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	var out struct {
		Data   struct{ Node struct{ ID string } }
		Errors []struct{ Extensions struct{ Code string } }
	}
	if status := s.post(t, `{ node(id: "cccs") { id } }`, &out); status != http.StatusOK || out.Data.Node.ID != "cccs" {
		t.Errorf("a query beside three slow bodies: %d %+v", status, out)
	}
	if resp, body := get(t, s.url+"/export/organizations.csv"); resp.StatusCode != http.StatusOK {
		t.Errorf("an export beside three slow bodies: %d %.200s", resp.StatusCode, body)
	}
}
