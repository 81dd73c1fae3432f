package main

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// connLimit caps the connections open at once, so that clients that open
// connections and leave them idle (kept alive between requests) or half
// sent (a request head that never ends) cannot hold a goroutine and buffers
// each up to the file limit, past which nobody is served. At the cap, a new
// connection closes the one that has waited longest without a request in
// progress (idle, or still sending its head: ReadHeaderTimeout would close
// it anyway); when every connection has a request in progress, it waits for
// one to end. Its track method is the server's ConnState.
type connLimit struct {
	net.Listener
	slots  chan struct{}
	closed chan struct{}
	once   sync.Once
	mu     sync.Mutex
	open   map[net.Conn]connSince // by connection, what it is doing since when
	clock  uint64                 // counts the state changes: the order of since
}

type connSince struct {
	state http.ConnState
	since uint64 // clock at the change, cheaper than the time of day
}

func newConnLimit(ln net.Listener, max int) *connLimit {
	return &connLimit{Listener: ln, slots: make(chan struct{}, max), closed: make(chan struct{}), open: map[net.Conn]connSince{}}
}

// Accept accepts, then takes a slot for the new connection: at the cap
// only, once a client is there, so that no connection is closed for a
// client that has not come.
func (l *connLimit) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if err := l.acquire(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// acquire takes a slot: at the cap, it closes a waiting connection, and
// looks again every 50 ms while every connection has a request in
// progress (one may go idle).
func (l *connLimit) acquire() error {
	for {
		select {
		case l.slots <- struct{}{}:
			return nil
		default:
		}
		l.closeWaiting()
		select {
		case l.slots <- struct{}{}:
			return nil
		case <-l.closed:
			return net.ErrClosed
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Close stops the Accept waiting for a slot, then the listener.
func (l *connLimit) Close() error {
	l.once.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

// closeWaiting closes the connection idle or sending its head for the
// longest, if there is one: its end frees a slot (track).
func (l *connLimit) closeWaiting() {
	l.mu.Lock()
	var oldest net.Conn
	var since uint64
	for c, s := range l.open {
		if (s.state == http.StateIdle || s.state == http.StateNew) && (oldest == nil || s.since < since) {
			oldest, since = c, s.since
		}
	}
	if oldest != nil {
		delete(l.open, oldest) // closed once
	}
	l.mu.Unlock()
	if oldest != nil {
		oldest.Close()
	}
}

// track follows the connections' states (http.Server.ConnState) and frees
// a connection's slot when it ends.
func (l *connLimit) track(c net.Conn, state http.ConnState) {
	switch state {
	case http.StateClosed, http.StateHijacked:
		l.mu.Lock()
		delete(l.open, c)
		l.mu.Unlock()
		<-l.slots
	default:
		l.mu.Lock()
		if _, tracked := l.open[c]; tracked || state == http.StateNew { // not one closeWaiting closed
			l.clock++
			l.open[c] = connSince{state, l.clock}
		}
		l.mu.Unlock()
	}
}
