// Command load shows that the server's memory stays flat under 64 concurrent
// clients that mix normal and hostile requests. It builds and starts the
// real server on 127.0.0.1 with a fresh data directory, runs the clients for
// a bounded time (at most 30 s), samples the server's resident memory and Go
// heap before, during and after, and prints what each kind of request got.
//
//	go run ./bench/load [-clients 64] [-duration 20s]
//
// It exits 1 when the memory is not flat: the peak of the second half of the
// run more than 25 % above the first half's (a trend, not a plateau), or any
// peak more than -max-growth above the start.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cccs13/cccs-graph/internal/abuse"
)

// request is one kind of request the clients send.
type request struct {
	name    string
	hostile bool
	build   func(i int) *http.Request // i numbers the request, for distinct texts
}

func main() {
	clients := flag.Int("clients", 64, "concurrent clients")
	duration := flag.Duration("duration", 20*time.Second, "how long the clients run (at most 30s)")
	maxGrowth := flag.Int("max-growth", 512, "largest growth of the resident memory over the start, in MB")
	flag.Parse()
	if *duration <= 0 || *duration > 30*time.Second || *clients < 1 || *clients > 256 {
		fmt.Fprintln(os.Stderr, "load: -duration is at most 30s and -clients at most 256")
		os.Exit(2)
	}
	if err := run(*clients, *duration, int64(*maxGrowth)<<20); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(clients int, duration time.Duration, maxGrowth int64) error {
	dir, err := os.MkdirTemp("", "cccs-load-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "cccs-graph")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return fmt.Errorf("build: %v\n%s", err, out)
	}
	srv, base, err := start(bin, filepath.Join(dir, "data"))
	if err != nil {
		return err
	}
	defer func() { srv.Process.Kill(); srv.Wait() }()

	reqs := requests(base)
	client := &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: clients}}
	// Warm up: every kind once, so the start is the server at work, not idle.
	for i, r := range reqs {
		send(client, r.build(i))
	}
	before := sample(srv.Process.Pid, base)

	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	st := newStats(reqs)
	// The peaks of eight windows of the run, sampled every 250 ms.
	var windows [8]memory
	started := time.Now()
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				w := min(int(time.Since(started)*time.Duration(len(windows))/duration), len(windows)-1)
				windows[w] = windows[w].max(sample(srv.Process.Pid, base))
			}
		}
	}()
	var wg sync.WaitGroup
	var n atomic.Int64
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; ctx.Err() == nil && n.Add(1) < 1_000_000; i += clients {
				r := reqs[i%len(reqs)]
				start := time.Now()
				status := send(client, r.build(i))
				st.add(r.name, status, time.Since(start))
			}
		}()
	}
	wg.Wait()
	close(done)
	<-sampled
	time.Sleep(2 * time.Second) // let the server's work end and its GC run
	after := sample(srv.Process.Pid, base)

	st.print(os.Stdout, reqs)
	fmt.Printf("\nmemory (resident / Go heap in use):\n  before           %s\n", before)
	var first, second memory
	for i, m := range windows {
		fmt.Printf("  peak %5.1fs-%4.1fs %s\n", (duration * time.Duration(i) / 8).Seconds(), (duration * time.Duration(i+1) / 8).Seconds(), m)
		if i < len(windows)/2 {
			first = first.max(m)
		} else {
			second = second.max(m)
		}
	}
	fmt.Printf("  after (+2 s)     %s\n", after)
	fmt.Printf("%d clients for %s: %d requests\n", clients, duration, st.total())
	switch peak := first.max(second); {
	case peak.rss-before.rss > maxGrowth:
		return fmt.Errorf("memory is not flat: grew by %d MB", (peak.rss-before.rss)>>20)
	case second.rss > first.rss+first.rss/4:
		return fmt.Errorf("memory is not flat: the second half peaks at %d MB, the first at %d MB", second.rss>>20, first.rss>>20)
	}
	return nil
}

// start runs the server on 127.0.0.1:0 and returns its base URL.
func start(bin, data string) (*exec.Cmd, string, error) {
	cmd := exec.Command(bin, "serve", "-addr", "127.0.0.1:0", "-data", data)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			var e struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &e) == nil && e.Msg == "listening" {
				addr <- e.Addr
			}
		}
	}()
	select {
	case a := <-addr:
		go io.Copy(io.Discard, out)
		return cmd, "http://" + a, nil
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		return nil, "", fmt.Errorf("the server did not start")
	}
}

// requests are the mix: normal pages and every hostile request of the
// abuse suite, a huge literal with a new text each time.
func requests(base string) []request {
	post := func(body []byte) *http.Request {
		r, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		return r
	}
	get := func(path string) func(int) *http.Request {
		return func(int) *http.Request { r, _ := http.NewRequest(http.MethodGet, base+path, nil); return r }
	}
	normal := func(q string) func(int) *http.Request {
		body := abuse.Post(q, nil)
		return func(int) *http.Request { return post(body) }
	}
	reqs := []request{
		{name: "signatories", build: normal(`{ signatories(asOf: "2019") { totalCount nodes { id name } } }`)},
		{name: "node", build: normal(`{ node(id: "caf-13") { id name relations(first: 20) { nodes { kind to { id } } } } }`)},
		{name: "search", build: func(i int) *http.Request {
			return post(abuse.Post(fmt.Sprintf(`{ search(query: "centre %d") { totalCount } }`, i%50), nil))
		}},
		{name: "organizations", build: normal(`{ organizations(first: 100) { totalCount nodes { id name } } }`)},
		{name: "neighborhood", build: normal(`{ neighborhood(id: "msa-provence-azur", depth: 2) { nodes { id } } }`)},
		{name: "ogc", build: get("/ogc/collections")},
		{name: "graphml", build: get("/export/network.graphml?asOf=2019")},
	}
	for _, c := range abuse.Cases() {
		if c.Private {
			continue
		}
		body := c.Body
		reqs = append(reqs, request{name: c.Name, hostile: true, build: func(int) *http.Request {
			if c.Method == http.MethodGet {
				r, _ := http.NewRequest(http.MethodGet, base+"/graphql?"+c.RawQuery, nil)
				return r
			}
			r := post(body)
			if c.ContentType != "" {
				r.Header.Set("Content-Type", c.ContentType)
			}
			return r
		}})
	}
	reqs = append(reqs, request{name: "new huge literal", hostile: true, build: func(i int) *http.Request {
		return post(abuse.Post(abuse.HugeLiteral(i), nil))
	}})
	return reqs
}

// send sends a request, reads the answer, and returns its status (0 when
// the request failed).
func send(c *http.Client, r *http.Request) int {
	resp, err := c.Do(r)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// memory is the server's resident memory and Go heap in use, in bytes.
type memory struct{ rss, heap int64 }

func (m memory) max(o memory) memory { return memory{max(m.rss, o.rss), max(m.heap, o.heap)} }

func (m memory) String() string { return fmt.Sprintf("%4d MB / %4d MB", m.rss>>20, m.heap>>20) }

func sample(pid int, base string) memory {
	var m memory
	if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid)); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
				kb, _ := strconv.ParseInt(f[1], 10, 64)
				m.rss = kb << 10
			}
		}
	}
	if resp, err := http.Get(base + "/metrics"); err == nil {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "go_memstats_heap_inuse_bytes "); ok {
				f, _ := strconv.ParseFloat(v, 64)
				m.heap = int64(f)
			}
		}
		resp.Body.Close()
	}
	return m
}

// stats are the statuses and latencies by kind of request.
type stats struct {
	mu       sync.Mutex
	statuses map[string]map[int]int
	latency  map[string][]time.Duration
}

func newStats(reqs []request) *stats {
	return &stats{statuses: map[string]map[int]int{}, latency: map[string][]time.Duration{}}
}

func (s *stats) add(name string, status int, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.statuses[name] == nil {
		s.statuses[name] = map[int]int{}
	}
	s.statuses[name][status]++
	if len(s.latency[name]) < 100_000 {
		s.latency[name] = append(s.latency[name], d)
	}
}

func (s *stats) total() int {
	n := 0
	for _, st := range s.statuses {
		for _, c := range st {
			n += c
		}
	}
	return n
}

func (s *stats) print(w io.Writer, reqs []request) {
	fmt.Fprintf(w, "%-34s %-8s %8s %8s  %s\n", "request", "kind", "p50", "p99", "statuses (0: failed)")
	for _, r := range reqs {
		kind := "normal"
		if r.hostile {
			kind = "hostile"
		}
		l := s.latency[r.name]
		slices.Sort(l)
		p := func(q float64) time.Duration {
			if len(l) == 0 {
				return 0
			}
			return l[int(q*float64(len(l)-1))].Round(100 * time.Microsecond)
		}
		var codes []string
		for code, n := range s.statuses[r.name] {
			codes = append(codes, fmt.Sprintf("%d×%d", code, n))
		}
		slices.Sort(codes)
		fmt.Fprintf(w, "%-34s %-8s %8s %8s  %s\n", r.name, kind, p(0.5), p(0.99), strings.Join(codes, " "))
	}
}
