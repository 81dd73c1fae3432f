package edge

import (
	"net/http"

	"github.com/cccs13/cccs-graph/domain"
)

// Places bounds how many of some work run at once: the excess is refused
// at once (RefuseBusy), never queued.
type Places chan struct{}

// NewPlaces returns n places.
func NewPlaces(n int) Places { return make(Places, n) }

// Take takes a place, or reports that none is free.
func (p Places) Take() bool {
	select {
	case p <- struct{}{}:
		return true
	default:
		return false
	}
}

// Give gives back a place taken.
func (p Places) Give() { <-p }

// RefuseBusy answers 503 UNAVAILABLE with Retry-After, and never as
// cacheable: a handler may have set its caching headers before it knew
// whether it needed a place.
func RefuseBusy(w http.ResponseWriter, f Format, message string) {
	w.Header().Del("Cache-Control")
	w.Header().Set("Retry-After", "1")
	Respond(w, f, http.StatusServiceUnavailable, domain.EUNAVAILABLE, message)
}
