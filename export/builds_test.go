package export

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// heldReader is a store whose first MaxBuilds snapshots wait for release
// once started (the others do not wait: the test then fails, not hangs).
type heldReader struct {
	*store.Store
	started chan struct{}
	release chan struct{}
	held    *atomic.Int32
}

func (h heldReader) Snapshot(ctx context.Context, asOf domain.Date) (*store.Snapshot, error) {
	if h.held.Add(1) <= MaxBuilds {
		h.started <- struct{}{}
		<-h.release
	}
	return h.Store.Snapshot(ctx, asOf)
}

// TestExportsBuiltAtOnceAreBounded: each export is held whole in memory
// while it is built; beyond MaxBuilds at once the next is answered 503 at
// once, with Retry-After and a code, and runs once a build is done.
func TestExportsBuiltAtOnceAreBounded(t *testing.T) {
	r := heldReader{trickyStore(t), make(chan struct{}), make(chan struct{}), &atomic.Int32{}}
	h := http.NewServeMux()
	h.Handle(Route, Handler(r, slog.New(slog.DiscardHandler)))
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil).WithContext(t.Context()))
		return w
	}
	done := make(chan int, MaxBuilds)
	for range MaxBuilds {
		go func() { done <- get("/export/network.json").Code }()
		<-r.started
	}
	busy := get("/export/organizations.csv?asOf=2019")
	var answer struct {
		Errors []struct{ Extensions struct{ Code string } }
	}
	if json.Unmarshal(busy.Body.Bytes(), &answer); busy.Code != http.StatusServiceUnavailable || busy.Header().Get("Retry-After") == "" ||
		len(answer.Errors) != 1 || answer.Errors[0].Extensions.Code != domain.EUNAVAILABLE {
		t.Errorf("export %d of %d at once: %d %v %s, want 503 UNAVAILABLE with Retry-After", MaxBuilds+1, MaxBuilds, busy.Code, busy.Header(), busy.Body)
	}
	close(r.release)
	for range MaxBuilds {
		if code := <-done; code != http.StatusOK {
			t.Errorf("a held export: %d", code)
		}
	}
	if w := get("/export/network.json"); w.Code != http.StatusOK {
		t.Errorf("an export after the others: %d %.200s", w.Code, w.Body)
	}
}
