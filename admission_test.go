package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Maps answers to make take a place of the server's one admission: with
// one place, some of forty made at once are refused, 503 and never
// cacheable, the others answered.
func TestMapsAnswersToMakeAreAdmitted(t *testing.T) {
	h := mapsRoutes(t, func(c *config) { c.MaxInFlight = 1 })
	refused := 0
	for round := 0; round < 5 && refused == 0; round++ {
		var mu sync.Mutex
		var wg sync.WaitGroup
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, fmt.Sprintf("/geo/communes.geojson?limit=%d", 1+round*40+i), nil))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case w.Code == http.StatusServiceUnavailable && w.Header().Get("Cache-Control") == "" && w.Header().Get("Retry-After") != "":
					refused++
				case w.Code != http.StatusOK:
					t.Errorf("%d, Cache-Control %q: %.200s", w.Code, w.Header().Get("Cache-Control"), w.Body)
				}
			}()
		}
		wg.Wait()
	}
	if refused == 0 {
		t.Error("five rounds of forty maps answers made at once with one place: none refused")
	}
}

// Every route that computes shares the places: a request holding the only
// one makes the others wait their turn, whatever their route.
func TestAdmissionIsSharedByItsHandlers(t *testing.T) {
	a := newAdmission(1, time.Minute)
	release, running := make(chan struct{}), make(chan struct{})
	maps := a.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(running)
		<-release
	}))
	export := a.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	go maps.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/geo/communes.geojson", nil))
	<-running
	w := httptest.NewRecorder()
	w.Header().Set("Cache-Control", "public, max-age=60")
	export.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/export/network.json", nil))
	close(release)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Cache-Control") != "" {
		t.Errorf("busy: %d, Cache-Control %q", w.Code, w.Header().Get("Cache-Control"))
	}
}
