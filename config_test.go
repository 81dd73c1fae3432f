package main

import (
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The README's table of options is the option table: the same flags, with
// the same environment variables and defaults.
func TestREADMEOptionsMatchTable(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `-([a-z-]+)` \\| `(CCCS_[A-Z_]+)` \\| ([^|]+) \\|")
	documented := map[string][2]string{}
	for _, m := range row.FindAllStringSubmatch(string(b), -1) {
		documented[m[1]] = [2]string{m[2], strings.TrimSpace(m[3])}
	}
	for _, o := range options {
		d, ok := documented[o.flag]
		if !ok {
			t.Errorf("-%s is not in the README's table of options", o.flag)
			continue
		}
		wantDef := "`" + o.def + "`"
		if o.def == "" {
			wantDef = d[1] // an empty default is said in words
		}
		if d[0] != o.env || d[1] != wantDef {
			t.Errorf("-%s: README says %s, default %s; the table %s, default %q", o.flag, d[0], d[1], o.env, o.def)
		}
		delete(documented, o.flag)
	}
	for f := range documented {
		t.Errorf("the README documents -%s, which the option table does not have", f)
	}
}

// Defaults, then the environment, then the command line; each value checked.
func TestOptionPrecedenceAndChecks(t *testing.T) {
	t.Setenv("CCCS_COMPLEXITY_LIMIT", "300")
	t.Setenv("CCCS_LOG_LEVEL", "debug")
	var c config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.register(fs, true)
	if err := fs.Parse([]string{"-log-level", "warn", "-cors-credentials"}); err != nil {
		t.Fatal(err)
	}
	if c.Limits.Complexity != 300 || c.LogLevel != "warn" || !c.CORSCredentials || c.Addr != "localhost:8080" || c.MaxBody != 1<<20 {
		t.Errorf("config = %+v", c)
	}
	if err := c.validate(fs); err != nil {
		t.Errorf("validate: %v", err)
	}
	for _, args := range [][]string{{"-log-level", "loud"}, {"-max-in-flight", "0"}, {"-request-timeout", "0s"}, {"-cors-origins", "localhost:3000"}, {"-max-body", "10"}, {"-memory-limit", "111"}, {"-log", "xml"}} {
		var c config
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		c.register(fs, true)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		if err := c.validate(fs); err == nil || !strings.HasPrefix(err.Error(), args[0]+":") {
			t.Errorf("%v: %v, want an error naming %s", args, err, args[0])
		}
	}
	t.Setenv("CCCS_INTROSPECTION", "maybe")
	var bad config
	fs = flag.NewFlagSet("serve", flag.ContinueOnError)
	bad.register(fs, true)
	if err := bad.validate(fs); err == nil || !strings.Contains(err.Error(), `CCCS_INTROSPECTION="maybe" is not true or false`) {
		t.Errorf("bad environment value: %v", err)
	}
}
