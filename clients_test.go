package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The npm clients of testdata/clients (see its package.json): the
// graphql-http audit, GraphQL Code Generator, TypeScript, urql and Apollo
// Client, run against the real server. npm is installed by .ci/run; the
// tests skip outside CI without it, and fail in CI.

const clientsDir = "testdata/clients"

// npmInstalls are the npm ci runs of this test run, one a directory.
var npmInstalls sync.Map // dir -> *npmInstall

type npmInstall struct {
	once sync.Once
	err  error
}

// npmClients installs the clients' packages.
func npmClients(t *testing.T) { npmCI(t, clientsDir) }

// npmCI installs the packages of a directory of testdata (npm ci) when its
// package-lock.json is newer than the installed tree, once per test run.
func npmCI(t *testing.T, dir string) {
	t.Helper()
	if _, err := exec.LookPath("npm"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("npm is not on PATH: .ci/run installs it")
		}
		t.Skip("npm is not on PATH (apt-get install npm)")
	}
	v, _ := npmInstalls.LoadOrStore(dir, &npmInstall{})
	in := v.(*npmInstall)
	in.once.Do(func() {
		lock, err := os.Stat(filepath.Join(dir, "package-lock.json"))
		if err != nil {
			in.err = err
			return
		}
		if installed, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json")); err == nil && !installed.ModTime().Before(lock.ModTime()) {
			return
		}
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			in.err = &exec.ExitError{ProcessState: cmd.ProcessState, Stderr: out}
		}
	})
	if in.err != nil {
		t.Fatalf("npm ci in %s: %v %s", dir, in.err, errorText(in.err))
	}
}

func errorText(err error) string {
	if e, ok := err.(*exec.ExitError); ok {
		return string(e.Stderr)
	}
	return ""
}

// npmRun runs a script of testdata/clients/package.json.
func npmRun(t *testing.T, env []string, script string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("npm", append([]string{"run", "--silent", script, "--"}, args...)...)
	cmd.Dir = clientsDir
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestGraphQLOverHTTPAudit runs the audit of the npm package graphql-http:
// every requirement and recommendation of the GraphQL-over-HTTP spec.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	npmClients(t)
	s := startServer(t, t.TempDir())
	cmd := exec.Command("node", "audit.mjs", s.url+"/graphql")
	cmd.Dir = clientsDir
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), " ok, 0 notices, 0 warnings, 0 errors") {
		t.Fatalf("graphql-http audit: %v\n%s", err, out)
	}
	t.Log(strings.TrimSpace(string(out)))
	s.stop(t)
}

// TestTypedClientsAgainstTheServer runs what docs/frontend.md shows: codegen
// against the running server, TypeScript on the operations and the urql and
// Apollo setups, then both clients on the server, with automatic persisted
// queries and then in trusted-documents mode with the documents codegen
// listed. The clients fail on any warning (a type without a cache key).
func TestTypedClientsAgainstTheServer(t *testing.T) {
	npmClients(t)
	s := startServer(t, t.TempDir())
	endpoint := s.url + "/graphql"
	for _, script := range []string{"codegen", "typecheck"} {
		if out, err := npmRun(t, []string{"CCCS_GRAPHQL=" + endpoint}, script); err != nil {
			t.Fatalf("npm run %s: %v\n%s", script, err, out)
		}
	}
	check := func(url string, mode ...string) {
		t.Helper()
		out, err := npmRun(t, nil, "check", append([]string{url}, mode...)...)
		var got struct {
			UrqlSignatories2019   int
			UrqlPage              int
			UrqlRelationIds       []string
			UrqlMembers2019       []string
			ApolloSignatories2015 int
			Warnings              []string
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if err != nil || json.Unmarshal([]byte(lines[len(lines)-1]), &got) != nil {
			t.Fatalf("clients %v: %v\n%s", mode, err, out)
		}
		if got.UrqlSignatories2019 != 23 || got.UrqlPage != 23 || got.ApolloSignatories2015 != 18 ||
			strings.Join(got.UrqlMembers2019, ",") != "metropole-amp" || !strings.Contains(strings.Join(got.UrqlRelationIds, " "), "caf-13>signatory>cccs@1994-07-25") {
			t.Errorf("clients %v read %+v", mode, got)
		}
	}
	check(endpoint)
	s.stop(t)

	trusted := startServer(t, t.TempDir(), "-trusted-documents", filepath.Join(clientsDir, "src/gql/persisted-documents.json"))
	check(trusted.url+"/graphql", "trusted")
	if out, err := npmRun(t, nil, "check", trusted.url+"/graphql"); err == nil || !strings.Contains(out, "PersistedQueryNotFound") {
		t.Errorf("a client sending its own documents ran on a trusted-documents server: %v\n%s", err, out)
	}
	trusted.stop(t)
}

// TestFrontendGuideShowsTheClientFiles: docs/frontend.md shows the files
// the typed-clients test runs, as they are.
func TestFrontendGuideShowsTheClientFiles(t *testing.T) {
	guide, err := os.ReadFile("docs/frontend.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"codegen.ts", "src/operations.ts", "src/urql.ts", "src/apollo.ts"} {
		b, err := os.ReadFile(filepath.Join(clientsDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(guide), "```ts\n"+string(b)+"```\n") {
			t.Errorf("docs/frontend.md does not show %s as it is", name)
		}
	}
}

// TestTrustedDocumentsFileIsChecked: a server does not start on a list it
// cannot read or whose hashes are not its documents'.
func TestTrustedDocumentsFileIsChecked(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "docs.json")
	os.WriteFile(bad, []byte(`{"sha256:0000000000000000000000000000000000000000000000000000000000000000": "{ __typename }"}`), 0o644)
	for file, want := range map[string]string{bad: "is not the SHA-256 of its document", filepath.Join(t.TempDir(), "none.json"): "no such file"} {
		out, err := exec.Command(binary, "serve", "-addr", "127.0.0.1:0", "-data", t.TempDir(), "-trusted-documents", file).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "-trusted-documents: ") || !strings.Contains(string(out), want) {
			t.Errorf("-trusted-documents %s: %v\n%s", file, err, out)
		}
	}
}
