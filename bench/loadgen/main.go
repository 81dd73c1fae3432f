// Command loadgen is the benchmark's load generator and raw-bytes baseline,
// loopback only and bounded in count and time.
//
//	loadgen -url http://127.0.0.1:PORT/graphql -body q.json -c 8 -d 5s
//	loadgen -serve-raw answer.json [-headers answer.headers]
//	                                   (prints the address it listens on)
//
// The load mode sends the same request from c clients for at most d or n
// requests, whichever comes first, lets the requests in flight finish
// (within the client's timeout), and prints one line of JSON: requests per
// second over the whole time, latency percentiles, the answer's size and
// whether every answer had the same bytes (with their SHA-256, to compare
// peers). Given several -url (peers serving the same answer), it loads them
// in turns of -slice, one at a time, d each in all, and prints a line per
// URL: the peers share the machine's moments, which on a shared machine
// move a rate more than the peers differ. Waiting for the last requests keeps a slow shape honest: a request
// longer than d still counts, instead of a run with no request at all.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const (
	maxDuration = 60 * time.Second
	maxRequests = 10_000_000
	maxClients  = 256
	maxTargets  = 8
)

func main() {
	var urls []string
	flag.Func("url", "loopback URL to load; several -url are loaded in turns (-slice)", func(u string) error { urls = append(urls, u); return nil })
	slice := flag.Duration("slice", 100*time.Millisecond, "with several -url: how long each is loaded in its turn")
	bodyFile := flag.String("body", "", "POST this file's bytes as JSON (GET when empty)")
	clients := flag.Int("c", 8, fmt.Sprintf("concurrent clients, 1 to %d", maxClients))
	dur := flag.Duration("d", 5*time.Second, fmt.Sprintf("longest run, at most %s", maxDuration))
	count := flag.Int("n", maxRequests, "most requests")
	gzip := flag.Bool("gzip", false, "ask for gzip (Accept-Encoding)")
	raw := flag.String("serve-raw", "", "serve this file's bytes on 127.0.0.1 instead, until killed")
	headers := flag.String("headers", "", "with -serve-raw: send the headers of this response head (curl -D), as the server measured did")
	flag.Parse()
	var err error
	if *raw != "" {
		err = serveRaw(*raw, *headers)
	} else {
		err = load(urls, *bodyFile, *clients, *dur, *slice, *count, *gzip)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// serveRaw answers every request with the file's bytes: the floor of what a
// server of JSON over HTTP can do on this machine. Given the head of the
// measured server's response (headersFile), it sends the same headers, so
// that both put the same bytes on the wire; else a Content-Type. Either way
// with a Content-Length, as the measured server sends it (net/http would
// otherwise send a body over 2 kB in chunks).
func serveRaw(file, headersFile string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	hdr := http.Header{"Content-Type": {"application/json"}}
	if headersFile != "" {
		if hdr, err = readHead(headersFile); err != nil {
			return err
		}
	}
	hdr["Content-Length"] = []string{strconv.Itoa(len(b))}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr())
	return http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		h := w.Header()
		for k, v := range hdr {
			h[k] = v
		}
		w.Write(b)
	}))
}

// readHead reads the headers of a response head as curl -D writes it (the
// status line, then the headers), without those net/http sets itself.
func readHead(file string) (http.Header, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tp := textproto.NewReader(bufio.NewReader(io.LimitReader(f, 64<<10)))
	if _, err := tp.ReadLine(); err != nil { // HTTP/1.1 200 OK
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	mh, err := tp.ReadMIMEHeader()
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	hdr := http.Header(mh)
	for _, k := range []string{"Date", "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"} {
		delete(hdr, k)
	}
	return hdr, nil
}

type result struct {
	URL       string  `json:"url,omitempty"` // when several were loaded in turn
	Requests  int     `json:"requests"`
	Errors    int     `json:"errors"`
	PerSecond float64 `json:"rps"`
	P50ms     float64 `json:"p50_ms"`
	P99ms     float64 `json:"p99_ms"`
	Bytes     int     `json:"bytes"`
	SHA256    string  `json:"sha256"`
	Same      bool    `json:"same_bytes"`
}

// target is one URL's tally over its slices.
type target struct {
	url      string
	left     atomic.Int64 // requests it may still send
	mu       sync.Mutex
	lat      []time.Duration
	first    []byte
	same     bool
	failures int
	elapsed  time.Duration
}

// load sends the request to each target for d in all; with several
// targets, in turns of slice each (one target at a time), so that every
// target meets the same moments of a shared machine.
func load(urls []string, bodyFile string, clients int, dur, slice time.Duration, count int, gzip bool) error {
	if len(urls) == 0 || len(urls) > maxTargets {
		return fmt.Errorf("-url: 1 to %d URLs", maxTargets)
	}
	for _, t := range urls {
		if u, err := url.Parse(t); err != nil || u.Hostname() != "127.0.0.1" {
			return errors.New("-url must be an http URL on 127.0.0.1")
		}
	}
	if clients < 1 || clients > maxClients || dur <= 0 || dur > maxDuration || count < 1 || count > maxRequests || slice <= 0 {
		return fmt.Errorf("-c 1..%d, -d up to %s, -n 1..%d, -slice above 0", maxClients, maxDuration, maxRequests)
	}
	var body []byte
	if bodyFile != "" {
		var err error
		if body, err = os.ReadFile(bodyFile); err != nil {
			return err
		}
	}
	tr := &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: !gzip}
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	targets := make([]*target, len(urls))
	for i, u := range urls {
		targets[i] = &target{url: u, same: true}
		targets[i].left.Store(int64(count))
	}
	if len(targets) == 1 {
		slice = dur
	}
	// Each turn starts one target further, so that none always follows
	// the same one (a server's leftovers fall on the next).
	for turn, spent := 0, time.Duration(0); spent < dur; turn, spent = turn+1, spent+slice {
		for i := range targets {
			run(hc, targets[(turn+i)%len(targets)], body, clients, min(slice, dur-spent), gzip)
		}
	}
	enc := json.NewEncoder(os.Stdout)
	for _, t := range targets {
		slices.Sort(t.lat)
		sum := sha256.Sum256(t.first)
		r := result{Requests: len(t.lat), Errors: t.failures, PerSecond: float64(len(t.lat)) / t.elapsed.Seconds(),
			P50ms: ms(quantile(t.lat, 0.5)), P99ms: ms(quantile(t.lat, 0.99)), Bytes: len(t.first),
			SHA256: hex.EncodeToString(sum[:8]), Same: t.same}
		if len(targets) > 1 {
			r.URL = t.url
		}
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

// run loads one target from c clients for d (or until its count is spent)
// and waits for the requests in flight.
func run(hc *http.Client, t *target, body []byte, clients int, d time.Duration, gzip bool) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for ctx.Err() == nil && t.left.Add(-1) >= 0 {
				t0 := time.Now()
				b, err := fetch(context.Background(), hc, t.url, body, gzip) // bounded by hc.Timeout
				took := time.Since(t0)
				t.mu.Lock()
				switch {
				case err != nil:
					t.failures++
				case t.first == nil:
					t.first = b
				case !bytes.Equal(t.first, b):
					t.same = false
				}
				t.mu.Unlock()
				if err == nil {
					mine = append(mine, took)
				}
			}
			t.mu.Lock()
			t.lat = append(t.lat, mine...)
			t.mu.Unlock()
		}()
	}
	wg.Wait()
	t.elapsed += time.Since(start)
}

func fetch(ctx context.Context, hc *http.Client, target string, body []byte, gzip bool) ([]byte, error) {
	method := http.MethodGet
	if body != nil {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(ctx, method, target, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if gzip {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %d", resp.StatusCode)
	}
	return b, err
}

func quantile(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	return d[int(q*float64(len(d)-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
