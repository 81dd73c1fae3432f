package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/edge"
)

// admission bounds the work of the requests it wraps, all routes together:
// at most max run at once (the excess is answered 503 with Retry-After at
// once, not queued), and each runs under a deadline that its handlers and
// store reads see in their context (it is also cancelled when the client
// goes away).
type admission struct {
	slots   chan struct{}
	timeout time.Duration
}

func newAdmission(max int, timeout time.Duration) *admission {
	return &admission{slots: make(chan struct{}, max), timeout: timeout}
}

// wrap admits next's requests; every handler it wraps shares its places.
func (a *admission) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case a.slots <- struct{}{}:
			defer func() { <-a.slots }()
		default:
			a.refuse(w)
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), a.timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// refuse answers 503, never cacheable: the maps set their caching headers
// before they know whether the answer needs a place.
func (a *admission) refuse(w http.ResponseWriter) {
	w.Header().Del("Cache-Control")
	w.Header().Set("Retry-After", "1")
	edge.Respond(w, edge.GraphQL, http.StatusServiceUnavailable, domain.EUNAVAILABLE,
		fmt.Sprintf("the server is busy: %d requests are running; retry in a second", cap(a.slots)))
}
