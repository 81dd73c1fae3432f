package main

import (
	"bytes"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cccs13/cccs-graph/internal/geotest"
)

// TestKillUnderLoad: a server killed with SIGKILL while clients query it
// restarts on the same data, three times, and holds the same graph.
func TestKillUnderLoad(t *testing.T) {
	data := t.TempDir()
	fresh := exportOf(t, t.TempDir())
	for round := range 3 {
		s := startServer(t, data)
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < 200; i++ { // bounded: the kill ends it sooner
					select {
					case <-stop:
						return
					default:
					}
					resp, err := http.Post(s.url+"/graphql", "application/json", strings.NewReader(`{"query":"{ signatories { totalCount } organizations(first: 50) { nodes { id name } } }"}`))
					if err != nil {
						return
					}
					resp.Body.Close()
				}
			}()
		}
		time.Sleep(300 * time.Millisecond)
		s.cmd.Process.Kill()
		close(stop)
		wg.Wait()
		<-s.done
		if got := exportOf(t, data); !bytes.Equal(got, fresh) {
			t.Fatalf("round %d: after SIGKILL the store holds another graph", round)
		}
	}
}

// TestKillDuringALayerImport: an import killed at any moment leaves all of
// the layer or none of it.
func TestKillDuringALayerImport(t *testing.T) {
	communes := geotest.Path(t, geotest.Communes)
	importCmd := func(data string) *exec.Cmd {
		return exec.Command(binary, "import", "-data", data, "-layer", "commune", "-source", "cog-insee-2018", communes)
	}
	// The whole import, once, to know how long it takes.
	data := t.TempDir()
	start := time.Now()
	if out, err := importCmd(data).CombinedOutput(); err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	whole := time.Since(start)
	all := geoFeatures(t, data)
	if all == 0 {
		t.Fatal("the import wrote no feature")
	}
	// Kills spread over the import, and in its first milliseconds, when
	// Badger creates its files (a kill then once left the directory unusable).
	moments := []time.Duration{0, time.Millisecond, 3 * time.Millisecond, 10 * time.Millisecond, 30 * time.Millisecond}
	for i := range 5 {
		moments = append(moments, whole*time.Duration(i+1)/6)
	}
	for i, moment := range moments {
		data := t.TempDir()
		if i%2 == 0 {
			exportOf(t, data) // the default dataset first; or the import loads it
		}
		cmd := importCmd(data)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(moment)
		cmd.Process.Kill()
		cmd.Wait()
		if n := geoFeatures(t, data); n != 0 && n != all {
			t.Fatalf("killed %s into the import: %d of %d features", moment, n, all)
		}
	}
}

// exportOf exports a data directory's graph (loading the default dataset
// into an empty one).
func exportOf(t *testing.T, data string) []byte {
	t.Helper()
	out, err := exec.Command(binary, "export", "-data", data).Output()
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	return out
}

// geoFeatures counts the communes with a geometry that a server on data
// serves.
func geoFeatures(t *testing.T, data string) int {
	t.Helper()
	s := startServer(t, data)
	defer s.stop(t)
	_, body := get(t, s.url+"/geo/communes.geojson")
	return strings.Count(body, `"type":"Feature"`)
}

// TestSlowClientsAreCut: a client that sends its headers or its body too
// slowly has its connection closed (after 5 s and 15 s).
func TestSlowClientsAreCut(t *testing.T) {
	t.Parallel() // it waits 15 s for the server
	s := startServer(t, t.TempDir())
	addr := strings.TrimPrefix(s.url, "http://")
	var wg sync.WaitGroup
	for name, start := range map[string]string{
		"slow headers": "GET /graphql HTTP/1.1\r\nHost: x\r\n",
		"slow body":    "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			c.Write([]byte(start))
			c.SetReadDeadline(time.Now().Add(60 * time.Second)) // bounds the test, not the server
			buf := make([]byte, 4096)
			for {
				if _, err := c.Read(buf); err != nil {
					if ne, ok := err.(net.Error); ok && ne.Timeout() {
						t.Errorf("%s: the server kept the connection for 60 s", name)
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	s.stop(t)
}
