package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/edge"
)

// admit bounds the work of the requests it wraps: at most max run at once
// (the excess is answered 503 with Retry-After at once, not queued), and each
// runs under a deadline that its handlers and store reads see in their
// context (it is also cancelled when the client goes away).
func admit(max int, timeout time.Duration, next http.Handler) http.Handler {
	slots := make(chan struct{}, max)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
			defer func() { <-slots }()
		default:
			w.Header().Set("Retry-After", "1")
			edge.Respond(w, edge.GraphQL, http.StatusServiceUnavailable, domain.EUNAVAILABLE,
				fmt.Sprintf("the server is busy: %d requests are running; retry in a second", max))
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
