package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// binary is the server built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "cccs-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "cccs-graph")
	// Every server the tests start answers each query the planner covers
	// through gqlgen too, and answers INTERNAL where the two differ.
	os.Setenv("CCCS_PLANNER", "shadow")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build the server: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running server process.
type server struct {
	cmd  *exec.Cmd
	url  string
	logs *syncBuffer
	done chan error
}

// syncBuffer is a buffer written by the process's stdout and stderr readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer starts the real binary on 127.0.0.1:0 and waits for its
// "listening" log line.
func startServer(t *testing.T, data string, args ...string) *server {
	t.Helper()
	args = append([]string{"serve", "-addr", "127.0.0.1:0", "-data", data}, args...)
	cmd := exec.Command(binary, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, logs: logs, done: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logs, line)
			var entry struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "listening" {
				addr <- entry.Addr
			}
		}
		s.done <- cmd.Wait()
	}()
	select {
	case a := <-addr:
		s.url = "http://" + a
	case err := <-s.done:
		t.Fatalf("server exited before listening: %v\n%s", err, logs)
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("server did not start:\n%s", logs)
	}
	t.Cleanup(func() { cmd.Process.Kill() }) // a no-op once it has stopped
	return s
}

// stop sends SIGTERM and returns the exit code.
func (s *server) stop(t *testing.T) int {
	t.Helper()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop on SIGTERM")
	}
	return s.cmd.ProcessState.ExitCode()
}

// post sends a GraphQL query and decodes the response.
func (s *server) post(t *testing.T, query string, out any) int {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	resp, err := http.Post(s.url+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestServerEndToEnd(t *testing.T) {
	data := t.TempDir()
	s := startServer(t, data, "-cors-origins", "https://pages.example", "-memory-limit", "300")

	// The README's three queries.
	var sig struct {
		Data struct {
			Signatories struct {
				TotalCount int
				Nodes      []struct{ ID, Name string }
			}
		}
	}
	if code := s.post(t, `{ signatories(asOf: "2019-06-30", first: 50) { totalCount nodes { id name } } }`, &sig); code != 200 || sig.Data.Signatories.TotalCount != 23 || len(sig.Data.Signatories.Nodes) != 23 {
		t.Fatalf("signatories in 2019: HTTP %d, %+v", code, sig)
	}
	var avenant struct {
		Data struct {
			Node struct {
				SignedAt, Place, EffectiveFrom string
				Articles                       []struct {
					Number   string
					Modifies []struct{ Number string }
				}
			}
		}
	}
	s.post(t, `{ node(id: "avenant-1") { ... on Amendment { signedAt place effectiveFrom articles { number modifies { number } } } } }`, &avenant)
	a := avenant.Data.Node
	if a.SignedAt != "2019-06-27" || a.Place != "Marseille" || a.EffectiveFrom != "2019-01-01" || len(a.Articles) != 5 || a.Articles[0].Modifies[0].Number != "1.3.3" {
		t.Fatalf("avenant-1 = %+v", a)
	}
	var caf struct {
		Data struct {
			Node struct {
				ShortName   string
				IsSignatory bool
				Relations   struct{ TotalCount int }
			}
		}
	}
	s.post(t, `{ node(id: "caf-13") { ... on Organization { shortName isSignatory(asOf: "1994-07-25") } relations(kinds: [CHAIRS]) { totalCount } } }`, &caf)
	if caf.Data.Node.ShortName != "Caf 13" || !caf.Data.Node.IsSignatory || caf.Data.Node.Relations.TotalCount != 1 {
		t.Fatalf("caf-13 = %+v", caf.Data.Node)
	}

	t.Run("GET runs queries", func(t *testing.T) {
		resp, body := get(t, s.url+`/graphql?query=`+urlQuery(`{ node(id: "etat") { name } }`))
		if resp.StatusCode != 200 || !strings.Contains(body, `"name":"État`) {
			t.Fatalf("GET: %d %s", resp.StatusCode, body)
		}
	})
	t.Run("errors have codes and HTTP 200", func(t *testing.T) {
		var out struct {
			Errors []struct {
				Extensions struct{ Code string }
			}
		}
		if code := s.post(t, `{ nope }`, &out); code != 200 || len(out.Errors) == 0 || out.Errors[0].Extensions.Code != "BAD_USER_INPUT" {
			t.Fatalf("HTTP %d, %+v", code, out)
		}
	})
	t.Run("a body over the limit gets 413", func(t *testing.T) {
		big := `{"query":"{ __typename }","variables":{"pad":"` + strings.Repeat("x", 2<<20) + `"}}`
		resp, err := http.Post(s.url+"/graphql", "application/json", strings.NewReader(big))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413", resp.StatusCode)
		}
	})
	t.Run("CORS allows the configured origin only", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodOptions, s.url+"/graphql", nil)
		req.Header.Set("Origin", "https://pages.example")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "https://pages.example" {
			t.Fatalf("allowed origin = %q", got)
		}
		req.Header.Set("Origin", "https://elsewhere.example")
		resp, _ = http.DefaultClient.Do(req)
		resp.Body.Close()
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Fatalf("an unknown origin was allowed: %q", got)
		}
	})
	t.Run("explorer, health, readiness, metrics", func(t *testing.T) {
		for path, want := range map[string]string{"/": "cccs-graph explorer", "/schema.graphql": "scalar Date @specifiedBy", "/healthz": "ok", "/readyz": "ready", "/metrics": "cccs_http_requests_total"} {
			resp, body := get(t, s.url+path)
			if resp.StatusCode != 200 || !strings.Contains(body, want) {
				t.Errorf("GET %s: %d, body lacks %q", path, resp.StatusCode, want)
			}
		}
	})
	t.Run("the memory limit is the runtime's", func(t *testing.T) {
		_, body := get(t, s.url+"/metrics")
		// the budget less the code's share: a new directory maps no table yet
		if want := fmt.Sprintf("go_gc_gomemlimit_bytes %g\n", float64((300-24)<<20)); !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", strings.TrimSpace(want))
		}
	})
	t.Run("a second process on the data directory exits at once", func(t *testing.T) {
		out, err := exec.Command(binary, "serve", "-addr", "127.0.0.1:0", "-data", data).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "in use by another process") || strings.Contains(string(out), "goroutine") {
			t.Fatalf("second server: %v\n%s", err, out)
		}
	})

	if code := s.stop(t); code != 0 {
		t.Fatalf("exit code %d after SIGTERM, want 0\n%s", code, s.logs)
	}
	for _, want := range []string{`"msg":"request"`, `"duration_ms"`, `"msg":"stopped"`} {
		if !strings.Contains(s.logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, s.logs)
		}
	}
	// The data survived the restart (and was not loaded twice).
	s2 := startServer(t, data)
	if strings.Contains(s2.logs.String(), "loaded the embedded default dataset") {
		t.Error("the default dataset was loaded again into a directory that has data")
	}
	var again struct {
		Data struct{ Signatories struct{ TotalCount int } }
	}
	s2.post(t, `{ signatories(asOf: "2015") { totalCount } }`, &again)
	if again.Data.Signatories.TotalCount != 18 {
		t.Fatalf("after restart: %+v", again)
	}
	s2.stop(t)
}

func urlQuery(q string) string {
	r := strings.NewReplacer(" ", "%20", "{", "%7B", "}", "%7D", `"`, "%22", ":", "%3A", "(", "%28", ")", "%29")
	return r.Replace(q)
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	run := func(args ...string) (string, error) {
		out, err := exec.Command(binary, args...).CombinedOutput()
		return string(out), err
	}
	// export, then import the export into another directory: the same graph.
	exported := filepath.Join(dir, "export.yaml")
	if out, err := run("export", "-data", filepath.Join(dir, "a"), "-o", exported); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	out, err := run("import", "-data", filepath.Join(dir, "a"), exported)
	if err != nil || !strings.Contains(out, "0 node(s) and 0 relation(s) written") {
		t.Fatalf("re-import of the export into its own store: %v\n%s", err, out)
	}
	again := filepath.Join(dir, "again.yaml")
	if out, err := run("export", "-data", filepath.Join(dir, "a"), "-o", again); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	b1, _ := os.ReadFile(exported)
	b2, _ := os.ReadFile(again)
	if !bytes.Equal(b1, b2) {
		t.Fatal("export is not stable")
	}
	// A bad file changes nothing and names the problem with its line.
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("nodes:\n  - id: x\n    kind: spaceship\n    name: X\n    sources: [{source: seed-000}]\n"), 0o644)
	out, err = run("import", "-data", filepath.Join(dir, "a"), bad)
	if err == nil || !strings.Contains(out, `bad.yaml:2: node x: unknown kind "spaceship"`) {
		t.Fatalf("bad import: %v\n%s", err, out)
	}
	// Backup and restore.
	backup := filepath.Join(dir, "backup.bin")
	if out, err := run("backup", "-data", filepath.Join(dir, "a"), "-o", backup); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if out, err := run("restore", "-data", filepath.Join(dir, "b"), backup); err != nil {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	if out, err := run("export", "-data", filepath.Join(dir, "b"), "-o", again); err != nil {
		t.Fatalf("export of the restore: %v\n%s", err, out)
	}
	if b3, _ := os.ReadFile(again); !bytes.Equal(b1, b3) {
		t.Fatal("the restored store differs")
	}
	// Flags: -h documents every option; bad values are refused in words.
	out, _ = run("serve", "-h")
	for _, flag := range []string{"-addr", "-data", "-cors-origins", "-cors-credentials", "-introspection", "-complexity-limit", "-max-body", "CCCS_ADDR", "CCCS_DATA"} {
		if !strings.Contains(out, flag) {
			t.Errorf("serve -h does not document %s", flag)
		}
	}
	out, err = run("serve", "-data", filepath.Join(dir, "c"), "-cors-origins", "*", "-cors-credentials")
	if err == nil || !strings.Contains(out, "cannot go with -cors-credentials") {
		t.Errorf("* with credentials: %v\n%s", err, out)
	}
	if out, err = run("frobnicate"); err == nil || !strings.Contains(out, "unknown command") {
		t.Errorf("unknown command: %v\n%s", err, out)
	}
}

func TestTransportErrorsHaveCodes(t *testing.T) {
	s := startServer(t, t.TempDir(), "-cors-origins", "https://a.example,https://b.example")
	for _, tc := range []struct {
		method, ctype, body string
		status              int
	}{
		{http.MethodPut, "application/json", `{"query":"{ __typename }"}`, http.StatusMethodNotAllowed},
		{http.MethodPost, "text/plain", `{"query":"{ __typename }"}`, http.StatusUnsupportedMediaType},
		{http.MethodPost, "application/json", `{"query": "{ __typ`, http.StatusBadRequest},
	} {
		req, _ := http.NewRequest(tc.method, s.url+"/graphql", strings.NewReader(tc.body))
		req.Header.Set("Content-Type", tc.ctype)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != tc.status || len(out.Errors) != 1 || out.Errors[0].Extensions.Code != "BAD_USER_INPUT" || strings.Contains(out.Errors[0].Message, "__typ") {
			t.Errorf("%s %s: %d %+v, want %d with a code and no echo of the body", tc.method, tc.ctype, resp.StatusCode, out, tc.status)
		}
	}
	// A cached answer carries the CORS header of its own request's origin.
	for _, origin := range []string{"https://a.example", "https://b.example", "https://c.example"} {
		req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", strings.NewReader(`{"query":"{ signatories { totalCount } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		want := origin
		if origin == "https://c.example" {
			want = ""
		}
		if got := resp.Header.Get("Access-Control-Allow-Origin"); got != want {
			t.Errorf("origin %s (cache %q): Access-Control-Allow-Origin %q, want %q", origin, resp.Header.Get("X-Cache"), got, want)
		}
	}
	// The log names the operation from the document, on a cache hit too.
	for range 2 {
		var out map[string]any
		s.post(t, `query SignatoriesIn2019 { signatories(asOf: "2019") { totalCount } }`, &out)
	}
	s.stop(t)
	if n := strings.Count(s.logs.String(), `"operation":"SignatoriesIn2019"`); n != 2 {
		t.Errorf("%d log lines name the operation, want 2:\n%s", n, s.logs)
	}
}

func TestEnvironmentValuesAreChecked(t *testing.T) {
	cmd := exec.Command(binary, "serve", "-data", t.TempDir())
	cmd.Env = append(os.Environ(), "CCCS_COMPLEXITY_LIMIT=abc")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), `CCCS_COMPLEXITY_LIMIT="abc" is not a whole number`) {
		t.Fatalf("bad environment value: %v\n%s", err, out)
	}
}
