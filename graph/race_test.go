package graph

import (
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/client"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// 16 editors increment a counter kept in one node's description and one
// relation's note, each by read-modify-write with expectedVersion, retrying
// on CONFLICT: no update is lost and the history holds every one, in order.
func TestRacingEditorsLoseNoUpdate(t *testing.T) {
	e := newEditing(t)
	const editors, rounds, maxAttempts = 16, 4, 400
	relID := "cco>signatory>cccs@2015"
	type target struct {
		read  string
		write string
		value func(map[string]any) (int, int) // counter, version
	}
	counter := func(s any) int {
		n, _ := strconv.Atoi(fmt.Sprint(s))
		return n
	}
	targets := []target{
		{
			read:  `{ node(id: "ucs-13") { version ... on Organization { description } } }`,
			write: `mutation($v: Int!, $n: String, $s: [CitationInput!]!) { updateNode(input: {id: "ucs-13", expectedVersion: $v, description: $n, sources: $s}) { node { version } } }`,
			value: func(d map[string]any) (int, int) {
				n := d["node"].(map[string]any)
				return counter(n["description"]), int(n["version"].(float64))
			},
		},
		{
			read:  `{ relation: node(id: "cco") { relations(kinds: [SIGNATORY]) { nodes { version note } } } }`,
			write: `mutation($v: Int!, $n: String, $s: [CitationInput!]!) { updateRelation(input: {id: "` + relID + `", expectedVersion: $v, note: $n, sources: $s}) { relation { version } } }`,
			value: func(d map[string]any) (int, int) {
				r := d["relation"].(map[string]any)["relations"].(map[string]any)["nodes"].([]any)[0].(map[string]any)
				return counter(r["note"]), int(r["version"].(float64))
			},
		},
	}
	var wg sync.WaitGroup
	errs := make(chan error, editors*len(targets))
	for _, tg := range targets {
		for range editors {
			wg.Add(1)
			go func() {
				defer wg.Done()
				done, attempts := 0, 0
				for done < rounds && attempts < maxAttempts {
					attempts++
					var data map[string]any
					if err := e.c.Post(tg.read, &data, e.editor); err != nil {
						errs <- err
						return
					}
					n, v := tg.value(data)
					resp, err := e.c.RawPost(tg.write, client.Var("v", v), client.Var("n", strconv.Itoa(n+1)), seedCitation, e.editor)
					if err != nil {
						errs <- err
						return
					}
					if resp.Errors == nil {
						done++
						continue
					}
					var ge []gqlError
					json.Unmarshal(resp.Errors, &ge)
					if len(ge) == 0 || ge[0].Extensions["code"] != domain.ECONFLICT {
						errs <- fmt.Errorf("write: %s", resp.Errors)
						return
					}
				}
				if done < rounds {
					errs <- fmt.Errorf("an editor gave up after %d attempts", attempts)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	want := editors * rounds
	for i, tg := range targets {
		var data map[string]any
		query(t, e.c, tg.read, &data)
		if n, _ := tg.value(data); n != want {
			t.Errorf("target %d: counter %d, want %d: updates were lost", i, n, want)
		}
	}
	// The history has every update, in version order, each from the value before.
	for _, target := range []store.Target{{Type: store.TargetNode, ID: "ucs-13"}, {Type: store.TargetRelation, ID: relID}} {
		h, err := e.s.History(ctx, target)
		if err != nil {
			t.Fatal(err)
		}
		field := map[string]string{store.TargetNode: "fields", store.TargetRelation: "note"}[target.Type]
		var updates []*store.Change
		for _, c := range h {
			if c.Actor == "caf" {
				updates = append(updates, c)
			}
		}
		if len(updates) != want {
			t.Fatalf("%s: %d changes by the editors, want %d", target.ID, len(updates), want)
		}
		for i, c := range updates {
			var before, after map[string]any
			json.Unmarshal(c.Before, &before)
			json.Unmarshal(c.After, &after)
			b, a := before[field], after[field]
			if field == "fields" {
				b, a = b.(map[string]any)["description"], a.(map[string]any)["description"]
			}
			if counter(a) != i+1 || counter(b) != i || i > 0 && c.Version <= updates[i-1].Version || before["version"] != float64(versionBefore(updates, i, h)) {
				t.Fatalf("%s: change %d goes %v -> %v at version %d", target.ID, i, b, a, c.Version)
			}
		}
	}
}

// versionBefore is the version a change was made from: the one the
// previous change of the same target produced.
func versionBefore(updates []*store.Change, i int, all []*store.Change) uint64 {
	if i > 0 {
		return updates[i-1].Version
	}
	for j, c := range all {
		if c == updates[0] {
			return all[j-1].Version
		}
	}
	return 0
}
