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
	checkDocExamples(t, "history.md", 2, func(got any, printed string) string {
		var want struct{ Data any }
		if err := json.Unmarshal([]byte(printed), &want); err != nil {
			return "the printed answer is not JSON: " + err.Error()
		}
		if !reflect.DeepEqual(got, want.Data) {
			return "not the printed answer"
		}
		return ""
	})
}

// docExample finds an example of a page of docs/: a ```graphql block and the
// ```json block right after it, if there is one.
var docExample = regexp.MustCompile("```graphql\n([^`]*)```\n(?:\n```json\n([^`]*)```)?")

// readDoc returns the text of a page of docs/.
func readDoc(t *testing.T, page string) string {
	t.Helper()
	doc, err := os.ReadFile("../docs/" + page)
	if err != nil {
		t.Fatal(err)
	}
	return string(doc)
}

// checkDocExamples runs every ```graphql query of a page of docs/ on the
// default dataset (each must succeed) and compares the answer with the ```json
// block printed after it, if any: diff says what is wrong with the data got,
// "" when it is what the page prints. The page must have at least atLeast
// queries with a printed answer.
func checkDocExamples(t *testing.T, page string, atLeast int, diff func(got any, printed string) string) {
	t.Helper()
	examples := docExample.FindAllStringSubmatch(readDoc(t, page), -1)
	answered := 0
	c := newClient(defaultDataset(t))
	for _, e := range examples {
		query, printed := e[1], e[2]
		got := postQuery(t, c, query)
		if printed == "" {
			continue
		}
		answered++
		if msg := diff(got, printed); msg != "" {
			g, _ := json.Marshal(got)
			t.Errorf("docs/%s: %s\nanswers %s\n%s", page, query, g, msg)
		}
	}
	if answered < atLeast {
		t.Fatalf("docs/%s has %d examples with their answers, want at least %d", page, answered, atLeast)
	}
}
