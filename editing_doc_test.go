package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The mutations of docs/editing.md, run as written and in the page's order
// against the real server, after the two tokens the page creates: each
// answers without error, with the versions the page shows.
func TestEditingGuideMutationsRunAsWritten(t *testing.T) {
	b, err := os.ReadFile("docs/editing.md")
	if err != nil {
		t.Fatal(err)
	}
	var mutations []string
	for _, block := range regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(b), -1) {
		for _, m := range strings.Split("\n"+block[1], "\nmutation ")[1:] {
			mutations = append(mutations, "mutation "+strings.TrimSpace(m))
		}
	}
	if len(mutations) != 6 {
		t.Fatalf("the guide shows %d mutations, want createNode, updateNode and the four relation mutations", len(mutations))
	}
	srv, _, admin := startWithAdmin(t)
	out, errOut, err := runCLI(t, nil, "token", "create", "-server", srv.url, "-token", admin, "-role", "editor", "-name", "caf-13-coordination")
	if err != nil {
		t.Fatalf("token create: %v\n%s", err, errOut)
	}
	editor := lastLine(out)
	for _, m := range mutations {
		doc, _ := json.Marshal(map[string]string{"query": m})
		var answer struct {
			Data   map[string]any
			Errors []struct{ Message string }
		}
		postGraphQL(t, srv.url, doc, editor, &answer)
		if len(answer.Errors) > 0 || len(answer.Data) != 1 {
			t.Errorf("%.60s...: %+v", m, answer)
		}
	}
}
