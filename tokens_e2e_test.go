package main

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"
)

// runCLI runs the binary and returns its standard output and error apart.
func runCLI(t *testing.T, env []string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(cmd.Environ(), env...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// lastLine is the token a `token create` printed.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestTokenCommandsWhileServing(t *testing.T) {
	data := t.TempDir()
	out, errOut, err := runCLI(t, nil, "token", "create", "-data", data, "-role", "admin", "-name", "ops")
	if err != nil {
		t.Fatalf("token create: %v\n%s", err, errOut)
	}
	admin := lastLine(out)
	if !strings.HasPrefix(admin, "cccs_") {
		t.Fatalf("last line of token create is %q, want the token", admin)
	}
	srv := startServer(t, data)
	// The data directory is held: the command says to go through the server.
	if _, errOut, err := runCLI(t, nil, "token", "list", "-data", data); err == nil || !strings.Contains(errOut, "-server") {
		t.Fatalf("token list on a held directory: %v\n%s", err, errOut)
	}
	out, errOut, err = runCLI(t, []string{"CCCS_TOKEN=" + admin}, "token", "create", "-server", srv.url, "-role", "editor", "-name", "caf")
	if err != nil {
		t.Fatalf("token create through the server: %v\n%s", err, errOut)
	}
	editor := lastLine(out)
	out, _, err = runCLI(t, nil, "token", "list", "-server", srv.url, "-token", admin)
	if err != nil || !strings.Contains(out, "caf") || !strings.Contains(out, "editor") || strings.Contains(out, editor) {
		t.Fatalf("token list: %v\n%s", err, out)
	}
	// An editor may not manage tokens.
	if _, errOut, err := runCLI(t, nil, "token", "list", "-server", srv.url, "-token", editor); err == nil || !strings.Contains(errOut, "needs admin") {
		t.Fatalf("token list with an editor token: %v\n%s", err, errOut)
	}
	if _, errOut, err := runCLI(t, nil, "token", "revoke", "-server", srv.url, "-token", admin, "caf"); err != nil {
		t.Fatalf("token revoke: %v\n%s", err, errOut)
	}
	resp, _ := get(t, srv.url+"/graphql?query={__typename}", "Authorization", "Bearer "+editor)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("revoked token: status %d, want 401", resp.StatusCode)
	}
	resp, _ = get(t, srv.url+"/graphql?query={__typename}")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("anonymous read: status %d, want 200 (reads are public by default)", resp.StatusCode)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	// -require-reader refuses anonymous reads.
	srv = startServer(t, data, "-require-reader")
	resp, _ = get(t, srv.url+"/graphql?query={__typename}")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("anonymous read with -require-reader: %d, want 401", resp.StatusCode)
	}
	resp, _ = get(t, srv.url+"/graphql?query={__typename}", "Authorization", "Bearer "+admin)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("admin read with -require-reader: %d, want 200", resp.StatusCode)
	}
	// The map clients read the refusal as an OGC API exception, as every other error of the maps.
	for _, path := range []string{"/geo/communes.geojson", "/ogc/collections", "/ogc/collections/communes/tiles/WebMercatorQuad/10/525/373"} {
		resp, body := get(t, srv.url+path)
		var exception struct{ Code, Description string }
		if err := json.Unmarshal([]byte(body), &exception); resp.StatusCode != http.StatusUnauthorized || err != nil || exception.Code != "UNAUTHENTICATED" || exception.Description == "" {
			t.Errorf("anonymous %s with -require-reader: %d %.120s, want 401 and an OGC exception", path, resp.StatusCode, body)
		}
	}
}
