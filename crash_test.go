package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// Kill -9 during a write load: 4 writers create nodes with a relation each
// while the real server is killed at random, 20 times, and restarted. Every
// acknowledged write is there, whole; a write cut short is there whole or
// not at all; the history matches the data.
func TestKillNineDuringWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("kills the server 20 times")
	}
	const writers = 4
	kills := 20 // CCCS_CRASH_KILLS=200 go test -run TestKillNineDuringWrites . for a longer run
	if n, err := strconv.Atoi(os.Getenv("CCCS_CRASH_KILLS")); err == nil && n > 0 && n <= 10_000 {
		kills = n
	}
	data := t.TempDir()
	out, errOut, err := runCLI(t, nil, "token", "create", "-data", data, "-role", "editor", "-name", "w")
	if err != nil {
		t.Fatalf("token create: %v\n%s", err, errOut)
	}
	token := lastLine(out)
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("seed %d", seed)

	var mu sync.Mutex
	acked, tried := map[string]bool{}, map[string]bool{}
	next := make([]int, writers)
	client := &http.Client{Timeout: 5 * time.Second}
	for round := range kills {
		srv := startServer(t, data)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; n < 10_000; n++ { // bounded; the kill ends it first
					select {
					case <-stop:
						return
					default:
					}
					id := fmt.Sprintf("crash-w%d-%d", w, next[w])
					next[w]++
					mu.Lock()
					tried[id] = true
					mu.Unlock()
					if createWithRelation(client, srv.url, token, id) {
						mu.Lock()
						acked[id] = true
						mu.Unlock()
					} else {
						time.Sleep(5 * time.Millisecond) // the server is gone, or busy
					}
				}
			}()
		}
		time.Sleep(time.Duration(30+rng.IntN(200)) * time.Millisecond)
		srv.cmd.Process.Kill() // SIGKILL
		<-srv.done
		close(stop)
		wg.Wait()
		t.Logf("round %d: %d acknowledged so far", round, len(acked))
	}
	if len(acked) == 0 {
		t.Fatal("no write was acknowledged")
	}
	srv := startServer(t, data)
	ids := make([]string, 0, len(tried))
	for id := range tried {
		ids = append(ids, id)
	}
	present := 0
	for i := 0; i < len(ids); i += 100 {
		chunk := ids[i:min(i+100, len(ids))]
		q, _ := json.Marshal(chunk)
		var got struct {
			Data struct {
				Nodes []*struct {
					ID        string
					Relations struct{ TotalCount int }
					History   struct{ TotalCount int }
				}
			}
			Errors []any
		}
		srv.post(t, `{ nodes(ids: `+string(q)+`) { id relations(kinds: [SIGNATORY]) { totalCount } history { totalCount } } }`, &got)
		if len(got.Errors) > 0 {
			t.Fatalf("errors: %v", got.Errors)
		}
		for j, n := range got.Data.Nodes {
			id := chunk[j]
			switch {
			case n == nil && acked[id]:
				t.Errorf("acknowledged %s is missing", id)
			case n != nil && (n.Relations.TotalCount != 1 || n.History.TotalCount != 1):
				t.Errorf("%s is half there: %d relation(s), %d change(s)", id, n.Relations.TotalCount, n.History.TotalCount)
			case n != nil:
				present++
			}
		}
	}
	// The other end sees every relation (the in edges), and the history
	// holds two changes per node present, no more.
	var check struct {
		Data struct {
			Node    struct{ Relations struct{ TotalCount int } }
			Changes struct{ TotalCount int }
		}
	}
	srv.post(t, `{ node(id: "cccs") { relations(direction: IN, kinds: [SIGNATORY]) { totalCount } } changes(actor: "w") { totalCount } }`, &check)
	fresh, err := store.Open("", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	fresh.LoadDefaultIfEmpty(context.Background())
	base, _ := fresh.Relations(context.Background(), []store.RelQuery{{ID: "cccs", Dir: domain.In, Kinds: []domain.RelKind{domain.RelSignatory}}})
	if in := check.Data.Node.Relations.TotalCount - len(base[0]); in != present {
		t.Errorf("cccs has %d new in relations, want %d: an edge is missing one way", in, present)
	}
	if check.Data.Changes.TotalCount != 2*present {
		t.Errorf("%d changes by the writers for %d nodes present, want two each", check.Data.Changes.TotalCount, present)
	}
	t.Logf("%d writes tried, %d acknowledged, %d present after %d kills", len(tried), len(acked), present, kills)
	if code := srv.stop(t); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

// createWithRelation creates an organization and its signatory relation in
// one mutation; true when the server acknowledged it.
func createWithRelation(c *http.Client, url, token, id string) bool {
	q := `mutation { createNode(input: {id: "` + id + `", kind: ORGANIZATION, name: "` + strings.ToUpper(id) + `",
	  organization: {category: OTHER}, sources: [{source: "seed-000"}],
	  relations: [{kind: SIGNATORY, direction: OUT, node: "cccs", validFrom: "2030"}]}) { node { id } } }`
	body, _ := json.Marshal(map[string]string{"query": q})
	req, _ := http.NewRequest("POST", url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	var out struct {
		Data *struct {
			CreateNode *struct{ Node struct{ ID string } }
		}
		Errors []any
	}
	if json.NewDecoder(resp.Body).Decode(&out) != nil || len(out.Errors) > 0 || out.Data == nil || out.Data.CreateNode == nil {
		return false
	}
	return out.Data.CreateNode.Node.ID == id
}
