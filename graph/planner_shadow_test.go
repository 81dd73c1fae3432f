package graph

import (
	"fmt"
	"os"
	"sync"
	"testing"
)

// Every handler the tests of this package build runs in shadow mode: each
// query the planner answers is answered by gqlgen too and the two must be
// byte-identical (the request answers INTERNAL otherwise, and the run fails
// here even if the test did not look).
func init() {
	shadowMismatch = func(document string, planned, reference []byte) {
		mismatches.Lock()
		defer mismatches.Unlock()
		mismatches.list = append(mismatches.list, fmt.Sprintf("document:\n%s\nplanned:\n%.2000s\ngqlgen:\n%.2000s", document, planned, reference))
	}
}

var mismatches struct {
	sync.Mutex
	list []string
}

func TestMain(m *testing.M) {
	code := m.Run()
	fmt.Fprintf(os.Stderr, "planner: %d queries planned, %d answered by gqlgen (%d not covered, the others with errors), %d differences\n",
		PlannerTotals.Planned.Load(), PlannerTotals.Fallbacks.Load(), PlannerTotals.Uncovered.Load(), PlannerTotals.Mismatches.Load())
	for _, m := range mismatches.list {
		fmt.Fprintf(os.Stderr, "planner and gqlgen differ:\n%s\n\n", m)
	}
	if len(mismatches.list) > 0 && code == 0 {
		code = 1
	}
	os.Exit(code)
}
