package main

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cccs13/cccs-graph/internal/abuse"
)

// TestAbuseOverHTTP sends every hostile request of the issue "Safe to
// expose" to the real binary: each gets its status and code and a small
// answer, and the server's metrics show that the refused ones read nothing
// from the store and resolved no field.
func TestAbuseOverHTTP(t *testing.T) {
	public := startServer(t, t.TempDir())
	private := startServer(t, t.TempDir(), "-introspection=false")
	for _, c := range abuse.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			s := public
			if c.Private {
				s = private
			}
			before := s.metrics(t)
			status, body := s.send(t, c)
			for _, p := range c.Check(status, body) {
				t.Error(p)
			}
			after := s.metrics(t)
			if c.Executes {
				return
			}
			for _, m := range []string{"cccs_store_reads_total", "cccs_graphql_root_fields_resolved_total"} {
				if after[m] != before[m] {
					t.Errorf("%s went from %v to %v: the refusal came after execution", m, before[m], after[m])
				}
			}
		})
	}
	// What held still holds: the body limit, the header limit, methods,
	// path traversal; and links do not come from the Host header.
	big := bytes.Repeat([]byte(" "), 2<<20)
	resp, err := http.Post(public.url+"/graphql", "application/json", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), "BAD_USER_INPUT") {
		t.Errorf("2 MB body: %d %.200s", resp.StatusCode, b)
	}
	if resp, _ := get(t, public.url+"/graphql?query={__typename}", "X-Big", strings.Repeat("h", 2<<20)); resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("2 MB header: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodDelete, public.url+"/graphql", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") == "" {
		t.Errorf("DELETE: %v %v", err, resp)
	}
	if resp, body := get(t, public.url+"/geo/..%2f..%2f..%2fetc%2fpasswd"); resp.StatusCode < 400 || strings.Contains(body, "root:") {
		t.Errorf("path traversal: %d %.200s", resp.StatusCode, body)
	}
	req, _ = http.NewRequest(http.MethodGet, public.url+"/ogc", nil)
	req.Host = "evil.example"
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(b), "evil.example") || !strings.Contains(string(b), public.url+"/ogc") {
		t.Errorf("OGC links follow the Host header or lack the server's URL: %.300s", b)
	}
	public.stop(t)
	private.stop(t)
	for _, s := range []*server{public, private} {
		if strings.Contains(s.logs.String(), `"level":"ERROR"`) {
			t.Errorf("a hostile request was logged as an error:\n%s", s.logs)
		}
	}
}

// send sends one case to the server.
func (s *server) send(t *testing.T, c abuse.Case) (int, []byte) {
	t.Helper()
	var req *http.Request
	if c.Method == http.MethodGet {
		req, _ = http.NewRequest(http.MethodGet, s.url+"/graphql?"+c.RawQuery, nil)
	} else {
		req, _ = http.NewRequest(http.MethodPost, s.url+"/graphql", bytes.NewReader(c.Body))
		ct := c.ContentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// metrics reads the server's counters from /metrics.
func (s *server) metrics(t *testing.T) map[string]float64 {
	t.Helper()
	resp, err := http.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if ok && !strings.HasPrefix(name, "#") {
			m[name], _ = strconv.ParseFloat(value, 64)
		}
	}
	return m
}

// TestDeadlineOverHTTP: a server whose deadline is shorter than any work
// answers TIMEOUT with a code, and goes on serving.
func TestDeadlineOverHTTP(t *testing.T) {
	s := startServer(t, t.TempDir(), "-request-timeout", "1ns")
	var out struct {
		Errors []struct{ Extensions struct{ Code string } }
	}
	if status := s.post(t, `{ organizations { totalCount } }`, &out); status != http.StatusOK || len(out.Errors) == 0 || out.Errors[0].Extensions.Code != "TIMEOUT" {
		t.Errorf("%d %+v, want TIMEOUT", status, out)
	}
	if resp, _ := get(t, s.url+"/healthz"); resp.StatusCode != http.StatusOK {
		t.Errorf("healthz %d", resp.StatusCode)
	}
	s.stop(t)
}

// TestBusyServerAnswers503: beyond the requests in flight, the next is
// answered at once with 503, Retry-After and a code.
func TestBusyServerAnswers503(t *testing.T) {
	release, running := make(chan struct{}), make(chan struct{})
	h := newAdmission(1, time.Minute).wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(running)
		<-release
	}))
	go h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/graphql", nil))
	<-running
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/graphql", nil))
	close(release)
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), `"UNAVAILABLE"`) {
		t.Errorf("busy: %d %v %s", w.Code, w.Header(), w.Body)
	}
}

// TestConfigurationIsCheckedAtStart: CORS origins that would never match,
// null with credentials, a bad public URL are refused with the right
// spelling.
func TestConfigurationIsCheckedAtStart(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-cors-origins", "localhost:3000"}, "write http://localhost:3000 or https://localhost:3000"},
		{[]string{"-cors-origins", "http://localhost:3000/"}, "write http://localhost:3000"},
		{[]string{"-cors-origins", "https://a.example/app"}, "write https://a.example"},
		{[]string{"-cors-origins", "https://A.example"}, "write https://a.example"},
		{[]string{"-cors-origins", "null", "-cors-credentials"}, "null cannot go with -cors-credentials"},
		{[]string{"-public-url", "graph.example.org"}, "absolute http or https URL"},
		{[]string{"-public-url", "https://graph.example.org/"}, "without the trailing slash"},
		{[]string{"-request-timeout", "0s"}, "-request-timeout: must be positive"},
		{[]string{"-max-in-flight", "0"}, "-max-in-flight: must be positive"},
		{[]string{"-max-connections", "0"}, "-max-connections: must be positive"},
	} {
		out, err := exec.Command(binary, append([]string{"serve", "-data", t.TempDir()}, c.args...)...).CombinedOutput()
		if code := exitCode(err); code != 1 || !strings.Contains(string(out), c.want) {
			t.Errorf("%v: exit %d, %s; want 1 with %q", c.args, code, out, c.want)
		}
	}
}

func exitCode(err error) int {
	if e, ok := err.(*exec.ExitError); ok {
		return e.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestRestoreCommandRefusesBadBackups: restore of a truncated, flipped or
// foreign file exits 1 with a message and writes nothing.
func TestRestoreCommandRefusesBadBackups(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.backup")
	if out, err := exec.Command(binary, "backup", "-data", filepath.Join(dir, "src"), "-o", good).CombinedOutput(); err != nil {
		t.Fatalf("backup: %v %s", err, out)
	}
	b, _ := os.ReadFile(good)
	flipped := bytes.Clone(b)
	flipped[len(b)/2] ^= 0x10
	for name, content := range map[string][]byte{"half": b[:len(b)/2], "flipped": flipped, "empty": nil, "foreign": []byte("PK\x03\x04 not a backup")} {
		file := filepath.Join(dir, name)
		os.WriteFile(file, content, 0o644)
		target := filepath.Join(dir, "restored-"+name)
		out, err := exec.Command(binary, "restore", "-data", target, file).CombinedOutput()
		if code := exitCode(err); code != 1 || !strings.Contains(string(out), "not a usable backup") || strings.Contains(string(out), "goroutine") {
			t.Errorf("%s: exit %d: %s", name, code, out)
		}
		if _, err := os.Stat(target); !os.IsNotExist(err) {
			t.Errorf("%s: %s was created", name, target)
		}
	}
	out, err := exec.Command(binary, "restore", "-data", filepath.Join(dir, "restored"), good).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "restored") {
		t.Errorf("good backup: %v %s", err, out)
	}
	if entries, _ := filepath.Glob(filepath.Join(dir, ".*")); len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

// TestFullDisk runs the commands that write on a full file system (a small
// tmpfs, so as root only): each stops with a message and exit status 1,
// never a signal and a stack dump, and leaves no partial file.
func TestFullDisk(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	dir := t.TempDir()
	disk := filepath.Join(dir, "disk")
	os.Mkdir(disk, 0o755)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", disk).Run() })
	// A store on the big disk, and its backup, before the small one fills.
	src := filepath.Join(dir, "src")
	good := filepath.Join(dir, "good.backup")
	if out, err := exec.Command(binary, "backup", "-data", src, "-o", good).CombinedOutput(); err != nil {
		t.Fatalf("backup: %v %s", err, out)
	}
	filler, _ := os.Create(filepath.Join(disk, "filler"))
	io.Copy(filler, io.LimitReader(zeros{}, 3<<20))
	filler.Close()
	var st syscall.Statfs_t
	syscall.Statfs(disk, &st)
	t.Logf("free on the tmpfs: %d bytes", st.Bavail*uint64(st.Bsize))
	exported := filepath.Join(dir, "export.yaml")
	if out, err := exec.Command(binary, "export", "-data", src, "-o", exported).CombinedOutput(); err != nil {
		t.Fatalf("export: %v %s", err, out)
	}
	for name, args := range map[string][]string{
		"serve":   {"serve", "-addr", "127.0.0.1:0", "-data", filepath.Join(disk, "serve")},
		"import":  {"import", "-data", filepath.Join(disk, "import"), exported},
		"restore": {"restore", "-data", filepath.Join(disk, "restore"), good},
		"backup":  {"backup", "-data", src, "-o", filepath.Join(disk, "backup")},
	} {
		cmd := exec.Command(binary, args...)
		out, err := cmd.CombinedOutput()
		if code := exitCode(err); code != 1 || !strings.Contains(string(out), "free some space") || strings.Contains(string(out), "goroutine") {
			t.Errorf("%s on a full disk: exit %d: %.500s", name, code, out)
		}
	}
	if entries, _ := os.ReadDir(disk); len(entries) > 4 {
		t.Errorf("left on the full disk: %v", entries)
	}
	for _, e := range mustReadDir(t, disk) {
		if strings.HasPrefix(e.Name(), ".") || e.Name() == "backup" {
			t.Errorf("partial file left: %s", e.Name())
		}
	}
}

type zeros struct{}

func (zeros) Read(b []byte) (int, error) {
	clear(b)
	return len(b), nil
}

func mustReadDir(t *testing.T, dir string) []os.DirEntry {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}
