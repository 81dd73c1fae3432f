package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cccs13/cccs-graph/internal/geotest"
)

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// freePort returns a port of 127.0.0.1 nobody listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startNginx runs nginx (Debian package nginx-light, installed by .ci/run)
// on 127.0.0.1 as a caching reverse proxy in front of upstream: proxy_cache
// keyed on the URL, revalidating expired answers with their ETag. It skips
// outside CI when nginx is missing, and fails in CI.
func startNginx(t *testing.T, upstream string) string {
	t.Helper()
	bin, err := exec.LookPath("nginx")
	if err != nil {
		if bin, err = exec.LookPath("/usr/sbin/nginx"); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("nginx is not installed: .ci/run installs nginx-light")
			}
			t.Skip("nginx is not installed (apt-get install nginx-light)")
		}
	}
	dir := t.TempDir()
	port := freePort(t)
	conf := fmt.Sprintf(`daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  proxy_cache_path %[1]s/cache levels=1:2 keys_zone=graphql:1m max_size=16m inactive=10m use_temp_path=off;
  server {
    listen 127.0.0.1:%[2]d;
    location / {
      proxy_pass http://%[3]s;
      proxy_cache graphql;
      proxy_cache_revalidate on;
      add_header X-Cache-Status $upstream_cache_status always;
    }
  }
}
`, dir, port, upstream)
	confPath := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", confPath)
	if out, err := exec.Command(bin, "-t", "-p", dir, "-e", filepath.Join(dir, "error.log"), "-c", confPath).CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start:\n%s", log)
		}
	}
	return "http://" + addr
}

// waitFor polls cond for at most 10 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("waited 10 s in vain")
		}
	}
}

// TestPersistedQueriesThroughAnHTTPCache puts nginx's proxy_cache in front of
// the server: a persisted query asked by hash over GET is answered by the
// cache the second time; once expired it is revalidated with its ETag (304,
// nothing runs); after an import, the next answer is fresh.
func TestPersistedQueriesThroughAnHTTPCache(t *testing.T) {
	departement := geotest.Path(t, geotest.Departement)
	data := t.TempDir()
	port := freePort(t)
	upstream := fmt.Sprintf("127.0.0.1:%d", port)
	const maxAge = 5 // seconds: long enough for the three hits on a loaded machine
	srv := startServer(t, data, "-addr", upstream, "-http-max-age", fmt.Sprint(maxAge))
	proxy := startNginx(t, upstream)

	doc := `{ territories(filter: {hasGeometry: true}) { totalCount } }`
	ext := `{"persistedQuery":{"version":1,"sha256Hash":"` + sha256Hex(doc) + `"}}`
	byHash := proxy + "/graphql?extensions=" + url.QueryEscape(ext)
	ask := func(target string) (status int, cache, body string) {
		t.Helper()
		resp, err := http.Get(target)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("X-Cache-Status"), string(b)
	}
	// The hash alone is unknown at first; the client then sends the document.
	if _, _, body := ask(byHash); !strings.Contains(body, "PERSISTED_QUERY_NOT_FOUND") {
		t.Fatalf("unknown hash: %s", body)
	}
	if status, _, body := ask(byHash + "&query=" + url.QueryEscape(doc)); status != 200 || !strings.Contains(body, `"totalCount":0`) {
		t.Fatalf("registering: %d %s", status, body)
	}
	if _, cache, body := ask(byHash); cache != "MISS" || !strings.Contains(body, `"totalCount":0`) {
		t.Fatalf("first ask by hash: cache %s, %s", cache, body)
	}
	// The server saw three requests (a log line each, written after answering).
	graphqlLines := func() int { return strings.Count(srv.logs.String(), `"path":"/graphql"`) }
	waitFor(t, func() bool { return graphqlLines() == 3 })
	for range 3 {
		if _, cache, body := ask(byHash); cache != "HIT" || !strings.Contains(body, `"totalCount":0`) {
			t.Fatalf("asked again: cache %s, %s", cache, body)
		}
	}
	// A request straight to the server, once logged, shows the hits did not reach it.
	get(t, srv.url+"/healthz")
	waitFor(t, func() bool { return strings.Contains(srv.logs.String(), `"path":"/healthz"`) })
	if n := graphqlLines(); n != 3 {
		t.Errorf("the cache's hits reached the server: %d GraphQL requests, want 3", n)
	}
	// Expired, unchanged: nginx asks with If-None-Match and gets 304.
	time.Sleep((maxAge + 1) * time.Second)
	if _, cache, body := ask(byHash); cache != "REVALIDATED" || !strings.Contains(body, `"totalCount":0`) {
		t.Fatalf("expired: cache %s, %s", cache, body)
	}
	// Its log line is written after the answer: wait for it.
	waitFor(t, func() bool { return strings.Contains(srv.logs.String(), `"status":304`) })

	// A new import (the département's outline) changes the data version.
	srv.stop(t)
	if out, err := exec.Command(binary, "import", "-data", data, "-layer", "departement", departement).CombinedOutput(); err != nil {
		t.Fatalf("import -layer departement: %v\n%s", err, out)
	}
	srv = startServer(t, data, "-addr", upstream, "-http-max-age", fmt.Sprint(maxAge))
	time.Sleep((maxAge + 1) * time.Second) // what the cache holds expires
	// The restarted server knows no persisted query: the client registers again.
	if _, _, body := ask(byHash); strings.Contains(body, "PERSISTED_QUERY_NOT_FOUND") {
		ask(byHash + "&query=" + url.QueryEscape(doc))
	}
	_, cache, body := ask(byHash)
	if !strings.Contains(body, `"totalCount":1`) {
		t.Fatalf("after the import: cache %s, %s", cache, body)
	}
	if _, cache, body := ask(byHash); cache != "HIT" || !strings.Contains(body, `"totalCount":1`) {
		t.Errorf("the fresh answer is not cached: %s %s", cache, body)
	}
	srv.stop(t)
}
