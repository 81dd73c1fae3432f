package main

import (
	"bufio"
	"encoding/json"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// The real server starts and answers within the smallest budget, on a fresh
// directory (it loads the default dataset), and runs under the Go limit it
// logs; budgets too small for it, or for the caches asked, are refused.
func TestServerAnswersWithinASmallMemoryBudget(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data, "-memory-limit", "112")
	if code := s.stop(t); code != 0 { // the dataset loaded goes from the memtable into tables
		t.Fatalf("exit %d", code)
	}
	s = startServer(t, data, "-memory-limit", "112")
	var out struct {
		Data struct {
			Organizations struct{ TotalCount int }
			Search        struct {
				Edges []struct{ Node struct{ ID string } }
			}
		}
		Errors []any
	}
	if code := s.post(t, `{ organizations(first: 5) { totalCount } search(query: "centre", first: 3) { edges { node { id } } } }`, &out); code != 200 ||
		len(out.Errors) > 0 || out.Data.Organizations.TotalCount == 0 || len(out.Data.Search.Edges) != 3 {
		t.Fatalf("status %d, %+v", code, out)
	}
	var logged struct {
		MiB, From, GoLimitMiB, MappedMiB, BlockCacheMiB, AnswersMiB string
	}
	sc := bufio.NewScanner(strings.NewReader(s.logs.String()))
	for sc.Scan() {
		if strings.Contains(sc.Text(), `"msg":"memory budget"`) {
			json.Unmarshal(sc.Bytes(), &logged)
		}
	}
	// the default dataset's tables are mapped beside the code, and the Go limit is the rest
	goLimit, _ := strconv.Atoi(logged.GoLimitMiB)
	mapped, _ := strconv.Atoi(logged.MappedMiB)
	if logged.MiB != "112" || logged.From != "-memory-limit" || mapped < 24 || mapped > 28 || goLimit+mapped < 111 ||
		logged.BlockCacheMiB != "8" || logged.AnswersMiB != "5" {
		t.Errorf("logged %+v\n%s", logged, s.logs)
	}
	m := s.metrics(t)
	if int(m["go_gc_gomemlimit_bytes"])>>20 != goLimit {
		t.Errorf("the runtime's limit is %v, the log says %d MiB", m["go_gc_gomemlimit_bytes"], goLimit)
	}
	// the answer read table blocks: through the block cache the budget sized
	if m["cccs_store_block_cache_hits_total"]+m["cccs_store_block_cache_misses_total"] == 0 || m["cccs_store_block_cache_bytes"] <= 0 ||
		m["cccs_store_block_cache_bytes"] > 8<<20 {
		t.Errorf("block cache metrics: %v hits, %v misses, %v bytes", m["cccs_store_block_cache_hits_total"], m["cccs_store_block_cache_misses_total"], m["cccs_store_block_cache_bytes"])
	}
	if code := s.stop(t); code != 0 {
		t.Errorf("exit %d", code)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-memory-limit", "64"}, "-memory-limit: 64 MiB is too small a memory budget (0 for the default, or at least 112)"},
		{[]string{"-memory-limit", "128", "-map-cache-bytes", "67108864"}, "raise -memory-limit or lower the caches"},
		{[]string{"-cache-bytes", "64MiB"}, `must be auto or 0 or more bytes, not "64MiB"`},
	} {
		out, err := exec.Command(binary, append([]string{"serve", "-data", t.TempDir()}, c.args...)...).CombinedOutput()
		if code := exitCode(err); code == 0 || !strings.Contains(string(out), c.want) {
			t.Errorf("%v: exit %d, %s; want an error with %q", c.args, code, out, c.want)
		}
	}
}
