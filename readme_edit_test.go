package main

import (
	"encoding/json"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The README's walk-through "Keeping the network up to date", run as
// written against the real server: the tokens, the createNode body of its
// curl, its changes query and its deleteNode.
func TestREADMEKeepingTheNetworkUpToDate(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	section := readme[strings.Index(readme, "## Keeping the network up to date"):]
	section = section[:strings.Index(section[3:], "\n## ")+3]
	body := regexp.MustCompile(`(?s)<<'EOF'\n(.*?)\nEOF`).FindStringSubmatch(section)
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(section, -1)
	if body == nil || len(blocks) != 2 || !strings.Contains(section, "-role editor -name coordination") {
		t.Fatalf("the walk-through lost its curl body or its two queries")
	}

	srv, _, admin := startWithAdmin(t)
	out, errOut, err := runCLI(t, nil, "token", "create", "-server", srv.url, "-token", admin, "-role", "editor", "-name", "coordination")
	if err != nil {
		t.Fatalf("token create: %v\n%s", err, errOut)
	}
	editor := lastLine(out)
	post := func(doc []byte, token string, out any) {
		t.Helper()
		postGraphQL(t, srv.url, doc, token, out)
	}
	query := func(q string) []byte { b, _ := json.Marshal(map[string]string{"query": q}); return b }

	var created struct {
		Data struct {
			CreateNode struct {
				Node struct {
					ID      string
					Version int
				}
				Change struct{ Actor, Operation string }
			}
		}
		Errors []any
	}
	post([]byte(body[1]), editor, &created)
	c := created.Data.CreateNode
	if len(created.Errors) > 0 || c.Node.ID != "commune-gardanne" || c.Change.Actor != "coordination" || c.Change.Operation != "CREATE_NODE" {
		t.Fatalf("the README's createNode: %+v %v", created.Data, created.Errors)
	}
	var changes struct {
		Data struct {
			Changes struct {
				Nodes []struct {
					Operation string
					Target    struct{ ID string }
				}
			}
		}
	}
	post(query(blocks[0][1]), "", &changes)
	got := changes.Data.Changes.Nodes
	if len(got) != 2 || got[0].Operation != "CREATE_NODE" || got[1].Target.ID != "commune-gardanne>signatory>cccs@2024-03-01" {
		t.Fatalf("the README's changes query: %+v", got)
	}
	// The deletion, from the version the creation answered (the README
	// shows one such number).
	del := regexp.MustCompile(`expectedVersion: \d+`).ReplaceAllString(blocks[1][1], "expectedVersion: "+strconv.Itoa(c.Node.Version))
	var deleted struct {
		Data struct {
			DeleteNode struct{ Changes []struct{ Operation string } }
		}
		Errors []any
	}
	post(query(del), editor, &deleted)
	if len(deleted.Errors) > 0 || len(deleted.Data.DeleteNode.Changes) != 2 {
		t.Fatalf("the README's deleteNode: %+v %v", deleted.Data, deleted.Errors)
	}
}
