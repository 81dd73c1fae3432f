package domain

import (
	"strings"
	"testing"
)

// TestErrorsQuoteAPrefix: a message quotes at most a prefix of an input,
// however long, and cuts it at a character boundary.
func TestErrorsQuoteAPrefix(t *testing.T) {
	long := strings.Repeat("é", 10000)
	e := Errorf(EBADINPUT, "invalid id %q in %s (%d%%) %5q", long, "a place", 3, long)
	if len(e.Message) > 200 {
		t.Fatalf("message of %d bytes: %.200s", len(e.Message), e.Message)
	}
	if !strings.Contains(e.Message, "in a place (3%)") || !strings.Contains(e.Message, "…") {
		t.Errorf("message = %s", e.Message)
	}
	if got := ErrorMessage(Errorf(EBADINPUT, "%s", strings.Repeat("x", 5000))); len(got) > 340 {
		t.Errorf("client message of %d bytes", len(got))
	}
	if got := ErrorMessageDetailed(Errorf(EBADINPUT, "%s", strings.Repeat("x", 5000))); len(got) != 5000 {
		t.Errorf("a person at a terminal gets the whole report, not %d bytes", len(got))
	}
}
