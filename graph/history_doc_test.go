package graph

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"testing"
)

// TestHistoryExamplesAnswerAsDocumented runs each query of docs/history.md and
// compares the answer with the JSON printed after it.
func TestHistoryExamplesAnswerAsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/history.md")
	if err != nil {
		t.Fatal(err)
	}
	pairs := regexp.MustCompile("(?s)```graphql\n(.*?)```\n\n```json\n(.*?)```").FindAllSubmatch(doc, -1)
	if len(pairs) < 2 {
		t.Fatalf("docs/history.md has %d examples with their answers, want at least 2", len(pairs))
	}
	c := newClient(defaultDataset(t))
	for _, p := range pairs {
		var want struct{ Data any }
		if err := json.Unmarshal(p[2], &want); err != nil {
			t.Fatalf("answer after %s is not JSON: %v", p[1], err)
		}
		if got := postQuery(t, c, string(p[1])); !reflect.DeepEqual(got, want.Data) {
			g, _ := json.Marshal(got)
			t.Errorf("docs/history.md: %s\nanswers %s", p[1], g)
		}
	}
}
