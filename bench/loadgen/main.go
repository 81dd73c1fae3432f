// Command loadgen is the benchmark's load generator and raw-bytes baseline,
// loopback only and bounded in count and time.
//
//	loadgen -url http://127.0.0.1:PORT/graphql -body q.json -c 8 -d 5s
//	loadgen -serve-raw answer.json     (prints the address it listens on)
//
// The load mode sends the same request from c clients for at most d or n
// requests, whichever comes first, lets the requests in flight finish
// (within the client's timeout), and prints one line of JSON: requests per
// second over the whole time, latency percentiles, the answer's size and
// whether every answer had the same bytes (with their SHA-256, to compare
// peers). Waiting for the last requests keeps a slow shape honest: a request
// longer than d still counts, instead of a run with no request at all.
package main

import (
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
	"net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

const (
	maxDuration = 60 * time.Second
	maxRequests = 10_000_000
	maxClients  = 256
)

func main() {
	target := flag.String("url", "", "loopback URL to load")
	bodyFile := flag.String("body", "", "POST this file's bytes as JSON (GET when empty)")
	clients := flag.Int("c", 8, fmt.Sprintf("concurrent clients, 1 to %d", maxClients))
	dur := flag.Duration("d", 5*time.Second, fmt.Sprintf("longest run, at most %s", maxDuration))
	count := flag.Int("n", maxRequests, "most requests")
	gzip := flag.Bool("gzip", false, "ask for gzip (Accept-Encoding)")
	raw := flag.String("serve-raw", "", "serve this file's bytes on 127.0.0.1 instead, until killed")
	flag.Parse()
	var err error
	if *raw != "" {
		err = serveRaw(*raw)
	} else {
		err = load(*target, *bodyFile, *clients, *dur, *count, *gzip)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// serveRaw answers every request with the file's bytes: the floor of what a
// server of JSON over HTTP can do on this machine.
func serveRaw(file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println(ln.Addr())
	return http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}))
}

type result struct {
	Requests  int     `json:"requests"`
	Errors    int     `json:"errors"`
	PerSecond float64 `json:"rps"`
	P50ms     float64 `json:"p50_ms"`
	P99ms     float64 `json:"p99_ms"`
	Bytes     int     `json:"bytes"`
	SHA256    string  `json:"sha256"`
	Same      bool    `json:"same_bytes"`
}

func load(target, bodyFile string, clients int, dur time.Duration, count int, gzip bool) error {
	u, err := url.Parse(target)
	if err != nil || u.Hostname() != "127.0.0.1" {
		return errors.New("-url must be an http URL on 127.0.0.1")
	}
	if clients < 1 || clients > maxClients || dur <= 0 || dur > maxDuration || count < 1 || count > maxRequests {
		return fmt.Errorf("-c 1..%d, -d up to %s, -n 1..%d", maxClients, maxDuration, maxRequests)
	}
	var body []byte
	if bodyFile != "" {
		if body, err = os.ReadFile(bodyFile); err != nil {
			return err
		}
	}
	tr := &http.Transport{MaxIdleConnsPerHost: clients, DisableCompression: !gzip}
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()

	var (
		left     atomic.Int64
		mu       sync.Mutex
		lat      []time.Duration
		first    []byte
		same     = true
		failures int
		wg       sync.WaitGroup
	)
	left.Store(int64(count))
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for ctx.Err() == nil && left.Add(-1) >= 0 {
				t := time.Now()
				b, err := fetch(context.Background(), hc, target, body, gzip) // bounded by hc.Timeout
				d := time.Since(t)
				mu.Lock()
				switch {
				case err != nil:
					failures++
				case first == nil:
					first = b
				case !bytes.Equal(first, b):
					same = false
				}
				mu.Unlock()
				if err == nil {
					mine = append(mine, d)
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	sum := sha256.Sum256(first)
	r := result{Requests: len(lat), Errors: failures, PerSecond: float64(len(lat)) / elapsed.Seconds(),
		P50ms: ms(quantile(lat, 0.5)), P99ms: ms(quantile(lat, 0.99)), Bytes: len(first),
		SHA256: hex.EncodeToString(sum[:8]), Same: same}
	return json.NewEncoder(os.Stdout).Encode(r)
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
