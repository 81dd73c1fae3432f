package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/cccs13/cccs-graph/edge"
)

// admission bounds the work of the requests it wraps, all routes together:
// at most max run at once (the excess is answered 503 with Retry-After at
// once, not queued), and each runs under a deadline that its handlers and
// store reads see in their context (it is also cancelled when the client
// goes away).
type admission struct {
	places  edge.Places
	timeout time.Duration
}

func newAdmission(max int, timeout time.Duration) *admission {
	return &admission{places: edge.NewPlaces(max), timeout: timeout}
}

// wrap admits next's requests; every handler it wraps shares its places.
func (a *admission) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.places.Take() {
			edge.RefuseBusy(w, edge.GraphQL, fmt.Sprintf("the server is busy: %d requests are running; retry in a second", cap(a.places)))
			return
		}
		defer a.places.Give()
		ctx, cancel := context.WithTimeout(r.Context(), a.timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
