package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestConnLimit: at the cap, a new connection closes the one idle for the
// longest; a connection with a request in progress is never closed, and a
// new one waits while every connection has one; closing the listener ends
// an Accept that waits.
func TestConnLimit(t *testing.T) {
	release := make(chan struct{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	limit := newConnLimit(ln, 2)
	srv := &http.Server{ConnState: limit.track, ReadHeaderTimeout: 5 * time.Second,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/slow" {
				<-release
			}
			fmt.Fprint(w, "ok")
		})}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(limit) }()
	dial := func() net.Conn {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	send := func(c net.Conn, path string) { fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path) }
	// answered reads one response within d: its status, or 0.
	answered := func(c net.Conn, d time.Duration) int {
		c.SetReadDeadline(time.Now().Add(d))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			return 0
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	closed := func(c net.Conn) bool {
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		_, err := c.Read(make([]byte, 1))
		return err == io.EOF
	}

	idle := dial()
	send(idle, "/fast")
	if answered(idle, 5*time.Second) != 200 {
		t.Fatal("first connection: no answer")
	}
	busy := dial()
	send(busy, "/slow")
	time.Sleep(100 * time.Millisecond) // its request is in progress
	third := dial()
	send(third, "/fast")
	if answered(third, 5*time.Second) != 200 || !closed(idle) {
		t.Fatal("at the cap: the idle connection was not closed for the new one")
	}
	// third is idle now: a fourth connection closes it too.
	fourth := dial()
	send(fourth, "/slow")
	if !closed(third) {
		t.Fatal("the idle connection was not closed for the fourth")
	}
	// Both connections have a request in progress: a fifth waits.
	fifth := dial()
	send(fifth, "/fast")
	if answered(fifth, 300*time.Millisecond) != 0 {
		t.Fatal("a connection was closed with a request in progress")
	}
	close(release)
	if answered(busy, 5*time.Second) != 200 || answered(fourth, 5*time.Second) != 200 {
		t.Fatal("requests in progress at the cap were not answered")
	}
	if answered(fifth, 5*time.Second) != 200 {
		t.Fatal("the waiting connection was not served once a slot was free")
	}
	// An Accept that waits ends with the listener.
	limit.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Serve returned no error after its listener closed")
		}
	case <-time.After(5 * time.Second):
		t.Error("Serve still accepting after its listener closed")
	}
}
