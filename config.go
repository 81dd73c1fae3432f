package main

import (
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cccs13/cccs-graph/graph"
)

// config is the server's configuration, filled from the option table.
type config struct {
	Addr            string
	Data            string
	CORSOrigins     string
	CORSCredentials bool
	Introspection   bool
	LogFormat       string
	LogLevel        string
	MaxBody         int
	Limits          graph.Limits  // per GraphQL request
	RequestTimeout  time.Duration // deadline of one request
	MaxInFlight     int           // requests handled at once; more get 503
	MaxConnections  int           // connections open at once (connlimit.go)
	CacheBytes      int           // response cache
	QueryCacheBytes int           // parsed-query cache
	MapCacheBytes   int           // answers of /geo and /ogc
	MapCacheEntries int
	ReadCacheBytes  int    // the store's decoded records (store/readcache.go)
	PublicURL       string // base of absolute links; "" for the listen address
	HTTPMaxAge      int
	TrustedDocs     string
	trusted         graph.TrustedDocuments // read from TrustedDocs by loadTrustedDocuments
	MemoryLimit     int                    // the memory budget, MiB; 0: GOMEMLIMIT or sized for the data (memory.go)
	RequireReader   bool
	Planner         string // on, off or shadow: how queries execute (graph.PlannerMode)
	Server          string // commands other than serve: the running server to go through
	Token           string // with Server: an admin token

	envErrors []string // environment values that did not parse
}

// plannerModes are the values of -planner.
var plannerModes = map[string]graph.PlannerMode{"on": graph.PlannerOn, "off": graph.PlannerOff, "shadow": graph.PlannerShadow}

// option is one row of the option table: a flag, the environment variable
// that gives it a value when the flag is absent, its default, its help, and
// the check of its value. Adding an option is adding a row (and a line in the
// README's table of options, which a test compares with this one).
type option struct {
	flag, env, def, help string
	serveOnly            bool                // only serve takes it; the others are shared by every command
	clientOnly           bool                // only the commands other than serve take it
	secret               bool                // never shown as a default in -h (a token)
	size                 bool                // bytes of a cache: auto (a share of the memory budget) or a number (memory.go)
	bind                 func(*config) any   // the field it sets: *string, *bool, *int or *time.Duration
	check                func(*config) error // nil: every value of the type is fine
}

// options is the option table.
var options = []option{
	{flag: "data", env: "CCCS_DATA", def: "./data", help: "data directory; created and loaded with the default dataset when empty",
		bind: func(c *config) any { return &c.Data },
		check: func(c *config) error {
			return require(c.Data != "", "-data: a data directory is required")
		}},
	{flag: "log", env: "CCCS_LOG_FORMAT", def: "json", help: "log format, json or text",
		bind: func(c *config) any { return &c.LogFormat },
		check: func(c *config) error {
			return require(c.LogFormat == "json" || c.LogFormat == "text", "-log: %q is not json or text", c.LogFormat)
		}},
	{flag: "log-level", env: "CCCS_LOG_LEVEL", def: "info", help: "least severe log records written: debug, info, warn or error",
		bind: func(c *config) any { return &c.LogLevel },
		check: func(c *config) error {
			var l slog.Level
			return require(l.UnmarshalText([]byte(c.LogLevel)) == nil, "-log-level: %q is not debug, info, warn or error", c.LogLevel)
		}},
	{flag: "addr", env: "CCCS_ADDR", def: "localhost:8080", help: "listen address", serveOnly: true,
		bind: func(c *config) any { return &c.Addr },
		check: func(c *config) error {
			return require(c.Addr != "", "-addr: a listen address is required")
		}},
	{flag: "cors-origins", env: "CCCS_CORS_ORIGINS", def: "", help: "comma-separated origins allowed by CORS, such as https://example.org; * for any", serveOnly: true,
		bind: func(c *config) any { return &c.CORSOrigins }},
	{flag: "cors-credentials", env: "CCCS_CORS_CREDENTIALS", def: "false", help: "allow credentials in CORS requests; refused with origin * or null", serveOnly: true,
		bind:  func(c *config) any { return &c.CORSCredentials },
		check: func(c *config) error { return checkOrigins(c.origins(), c.CORSCredentials) }},
	{flag: "public-url", env: "CCCS_PUBLIC_URL", def: "", help: "base of the absolute links in answers, such as https://graph.example.org; default http:// and the listen address", serveOnly: true,
		bind:  func(c *config) any { return &c.PublicURL },
		check: func(c *config) error { return checkPublicURL(c.PublicURL) }},
	{flag: "introspection", env: "CCCS_INTROSPECTION", def: "true", help: "answer GraphQL introspection queries", serveOnly: true,
		bind: func(c *config) any { return &c.Introspection }},
	{flag: "complexity-limit", env: "CCCS_COMPLEXITY_LIMIT", def: "50000", help: "largest cost of one GraphQL operation; list fields multiply by their page size", serveOnly: true,
		bind: func(c *config) any { return &c.Limits.Complexity }, check: positive("complexity-limit", func(c *config) int { return c.Limits.Complexity })},
	{flag: "analysis-work", env: "CCCS_ANALYSIS_WORK", def: "12000000", help: "largest nodes x (nodes + edges) of a network whose betweenness or closeness is computed (each walks from every node); 12000000 is about four times the whole default dataset, a few seconds", serveOnly: true,
		bind: func(c *config) any { return &c.Limits.Analysis.MaxPathWork }, check: positive("analysis-work", func(c *config) int { return c.Limits.Analysis.MaxPathWork })},
	{flag: "analysis-nodes", env: "CCCS_ANALYSIS_NODES", def: "50000", help: "largest number of nodes of a network whose centrality or communities are computed", serveOnly: true,
		bind: func(c *config) any { return &c.Limits.Analysis.MaxNodes }, check: positive("analysis-nodes", func(c *config) int { return c.Limits.Analysis.MaxNodes })},
	{flag: "max-tokens", env: "CCCS_MAX_TOKENS", def: "5000", help: "most tokens the GraphQL parser reads in one document", serveOnly: true,
		bind: func(c *config) any { return &c.Limits.Tokens }, check: positive("max-tokens", func(c *config) int { return c.Limits.Tokens })},
	{flag: "max-selections", env: "CCCS_MAX_SELECTIONS", def: "1000", help: "most fields and fragments in one GraphQL document, refused before validation", serveOnly: true,
		bind: func(c *config) any { return &c.Limits.Selections }, check: positive("max-selections", func(c *config) int { return c.Limits.Selections })},
	{flag: "max-selection-set", env: "CCCS_MAX_SELECTION_SET", def: "250", help: "most selections between one pair of braces", serveOnly: true,
		bind: func(c *config) any { return &c.Limits.SetSelections }, check: positive("max-selection-set", func(c *config) int { return c.Limits.SetSelections })},
	{flag: "max-input", env: "CCCS_MAX_INPUT", def: "16384", help: "longest string in a GraphQL variable or argument, in bytes", serveOnly: true,
		bind: func(c *config) any { return &c.Limits.InputBytes }, check: positive("max-input", func(c *config) int { return c.Limits.InputBytes })},
	{flag: "max-errors", env: "CCCS_MAX_ERRORS", def: "20", help: "most errors in one answer; the rest are counted in a last one", serveOnly: true,
		bind: func(c *config) any { return &c.Limits.Errors }, check: positive("max-errors", func(c *config) int { return c.Limits.Errors })},
	{flag: "max-answer", env: "CCCS_MAX_ANSWER", def: "16777216", help: "largest GraphQL answer (its data) in bytes; a larger one is replaced by an error", serveOnly: true,
		bind: func(c *config) any { return &c.Limits.AnswerBytes }, check: positive("max-answer", func(c *config) int { return c.Limits.AnswerBytes })},
	{flag: "request-timeout", env: "CCCS_REQUEST_TIMEOUT", def: "10s", help: "deadline of one request; the work stops there and the client gets TIMEOUT", serveOnly: true,
		bind: func(c *config) any { return &c.RequestTimeout },
		check: func(c *config) error {
			return require(c.RequestTimeout > 0, "-request-timeout: must be positive, such as 10s, not %s", c.RequestTimeout)
		}},
	{flag: "max-in-flight", env: "CCCS_MAX_IN_FLIGHT", def: "32", help: "requests (GraphQL, maps answers not in the maps' cache, exports) handled at once; more are answered 503 with Retry-After at once", serveOnly: true,
		bind: func(c *config) any { return &c.MaxInFlight }, check: positive("max-in-flight", func(c *config) int { return c.MaxInFlight })},
	{flag: "max-connections", env: "CCCS_MAX_CONNECTIONS", def: "128", help: "connections open at once; at the cap a new one closes the connection idle or sending its request head for the longest, or waits while all have a request in progress", serveOnly: true,
		bind: func(c *config) any { return &c.MaxConnections }, check: positive("max-connections", func(c *config) int { return c.MaxConnections })},
	{flag: "cache-bytes", env: "CCCS_CACHE_BYTES", def: "auto", help: "bytes of GraphQL answers kept for identical anonymous queries on unchanged data; auto: a sixteenth of the Go limit of -memory-limit; 0 switches the cache off", serveOnly: true, size: true,
		bind: func(c *config) any { return &c.CacheBytes }},
	{flag: "query-cache-bytes", env: "CCCS_QUERY_CACHE_BYTES", def: "auto", help: "bytes of parsed GraphQL documents kept (each weighed 16 times its text; texts over 16 KiB are not kept); auto: a 32nd of the Go limit of -memory-limit; 0 switches it off", serveOnly: true, size: true,
		bind: func(c *config) any { return &c.QueryCacheBytes }},
	{flag: "map-cache-bytes", env: "CCCS_MAP_CACHE_BYTES", def: "auto", help: "bytes of map answers (/geo, /ogc: collections, items, tiles) kept for the data version, identity and gzip; an answer over an eighth of it is not kept; auto: a sixteenth of the Go limit of -memory-limit; 0 switches the cache off", serveOnly: true, size: true,
		bind: func(c *config) any { return &c.MapCacheBytes }},
	{flag: "map-cache-entries", env: "CCCS_MAP_CACHE_ENTRIES", def: "4096", help: "map answers kept at most (tiles, pages, collections)", serveOnly: true,
		bind: func(c *config) any { return &c.MapCacheEntries }, check: positive("map-cache-entries", func(c *config) int { return c.MapCacheEntries })},
	{flag: "read-cache-bytes", env: "CCCS_READ_CACHE_BYTES", def: "auto", help: "bytes of decoded nodes and relation lists the store keeps for the data version (repeated reads skip the database); auto: an eighth of the Go limit of -memory-limit; at most half of it, and 2 GiB; 0 switches it off", serveOnly: true, size: true,
		bind: func(c *config) any { return &c.ReadCacheBytes }},
	{flag: "http-max-age", env: "CCCS_HTTP_MAX_AGE", def: "60", help: "seconds an HTTP cache (browser, proxy, CDN) may serve a GraphQL GET answer or a map answer without asking again; the ETag makes asking cheap", serveOnly: true,
		bind: func(c *config) any { return &c.HTTPMaxAge },
		check: func(c *config) error {
			return require(c.HTTPMaxAge >= 0, "-http-max-age: must be 0 or more seconds, not %d", c.HTTPMaxAge)
		}},
	{flag: "trusted-documents", env: "CCCS_TRUSTED_DOCUMENTS", def: "", help: "JSON file of the only operations that run (hash to document, or an Apollo persisted query manifest); none: any query runs", serveOnly: true,
		bind: func(c *config) any { return &c.TrustedDocs }},
	{flag: "memory-limit", env: "CCCS_MEMORY_LIMIT", def: "0", help: "memory budget in MiB, the resident size the server aims to stay within: the mapped tables get up to a quarter, the Go runtime's soft limit the rest, and Badger's block cache and the caches left at auto a share of it; 0: GOMEMLIMIT when set, as the Go limit (off for none), else sized for the data (128 MiB and 4 times the bytes of its tables on disk); at least 112, at most 16777216 (16 TiB)", serveOnly: true,
		bind: func(c *config) any { return &c.MemoryLimit },
		check: func(c *config) error {
			if err := require(c.MemoryLimit <= maxMemoryLimit, "-memory-limit: %d MiB is too large a memory budget (at most %d, 16 TiB)", c.MemoryLimit, maxMemoryLimit); err != nil {
				return err
			}
			return require(c.MemoryLimit == 0 || c.MemoryLimit >= minBudget>>20, "-memory-limit: %d MiB is too small a memory budget (0 for the default, or at least %d)", c.MemoryLimit, minBudget>>20)
		}},
	{flag: "require-reader", env: "CCCS_REQUIRE_READER", def: "false", help: "refuse anonymous reads: every request needs a token, role reader at least", serveOnly: true,
		bind: func(c *config) any { return &c.RequireReader }},
	{flag: "planner", env: "CCCS_PLANNER", def: "on", help: "how queries run: on (planned, gqlgen for what the planner does not cover), off (gqlgen only) or shadow (both, compared byte for byte; a difference is logged and answered INTERNAL)", serveOnly: true,
		bind: func(c *config) any { return &c.Planner },
		check: func(c *config) error {
			_, ok := plannerModes[c.Planner]
			return require(ok, "-planner: %q is not on, off or shadow", c.Planner)
		}},
	{flag: "server", env: "CCCS_SERVER", def: "", help: "URL of the running server that holds the data directory, such as http://localhost:8080; import, export, backup and token then go through its admin endpoints", clientOnly: true,
		bind:  func(c *config) any { return &c.Server },
		check: func(c *config) error { return (&remote{Server: c.Server, Token: c.Token}).check() }},
	{flag: "token", env: "CCCS_TOKEN", def: "", help: "with -server: an admin token", clientOnly: true, secret: true,
		bind: func(c *config) any { return &c.Token }},
	{flag: "max-body", env: "CCCS_MAX_BODY", def: "1048576", help: "largest request body in bytes, larger ones get 413", serveOnly: true,
		bind: func(c *config) any { return &c.MaxBody },
		check: func(c *config) error {
			return require(c.MaxBody >= 1024, "-max-body: %d bytes is too small for a GraphQL request (at least 1024)", c.MaxBody)
		}},
}

// positive is the check of an option that must be 1 or more.
func positive(flag string, value func(*config) int) func(*config) error {
	return func(c *config) error {
		return require(value(c) >= 1, "-%s: must be positive, not %d", flag, value(c))
	}
}

// require returns an error with the message unless ok.
func require(ok bool, format string, args ...any) error {
	if ok {
		return nil
	}
	return fmt.Errorf(format, args...)
}

// register registers the flags (all of them for serve, the shared ones for
// the other commands) with the environment's value, or else the default, as
// their default: the command line then sets over both. An environment value
// that does not parse is kept for validate to report.
func (c *config) register(fs *flag.FlagSet, serve bool) {
	for _, o := range options {
		if o.serveOnly && !serve || o.clientOnly && serve {
			continue
		}
		text, fromEnv := os.LookupEnv(o.env)
		if !fromEnv {
			text = o.def
		}
		usage := fmt.Sprintf("%s (env %s)", o.help, o.env)
		switch p := o.bind(c).(type) {
		case *string:
			if o.secret { // the value is set, the default shown in -h stays empty
				fs.StringVar(p, o.flag, "", usage)
				*p = text
				continue
			}
			fs.StringVar(p, o.flag, text, usage)
		case *bool:
			fs.BoolVar(p, o.flag, parseOr(c, o, text, strconv.ParseBool, "true or false"), usage)
		case *int:
			if o.size {
				*p = parseOr(c, o, text, parseSize, "auto or 0 or more bytes")
				fs.Var(sizeFlag{p}, o.flag, usage)
				continue
			}
			fs.IntVar(p, o.flag, parseOr(c, o, text, strconv.Atoi, "a whole number"), usage)
		case *time.Duration:
			fs.DurationVar(p, o.flag, parseOr(c, o, text, time.ParseDuration, "a duration such as 10s"), usage)
		default:
			panic("option -" + o.flag + ": bind returns an unknown type") // a wiring bug, caught by every test
		}
	}
}

// parseOr parses an option's text, from the environment or its default;
// when that does not parse, it keeps the error for validate and returns the
// default.
func parseOr[T any](c *config, o option, text string, parse func(string) (T, error), want string) T {
	v, err := parse(text)
	if err != nil {
		c.envErrors = append(c.envErrors, fmt.Sprintf("%s=%q is not %s", o.env, text, want))
		v, _ = parse(o.def)
	}
	return v
}

// validate checks the values of the options fs holds and says what is wrong in words.
func (c *config) validate(fs *flag.FlagSet) error {
	if len(c.envErrors) > 0 {
		return fmt.Errorf("environment: %s", strings.Join(c.envErrors, "; "))
	}
	for _, o := range options {
		if o.check == nil || fs.Lookup(o.flag) == nil {
			continue
		}
		if err := o.check(c); err != nil {
			return err
		}
	}
	return nil
}

// loadTrustedDocuments reads the -trusted-documents file, if any.
func (c *config) loadTrustedDocuments() error {
	if c.TrustedDocs == "" {
		return nil
	}
	b, err := os.ReadFile(c.TrustedDocs)
	if err == nil {
		c.trusted, err = graph.ParseTrustedDocuments(b)
	}
	if err != nil {
		return fmt.Errorf("-trusted-documents: %w", err)
	}
	return nil
}

// origins returns the CORS origins as a list.
func (c *config) origins() []string {
	var out []string
	for _, o := range strings.Split(c.CORSOrigins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// logLevel is the level -log-level names (validated).
func (c *config) logLevel() slog.Level {
	var l slog.Level
	l.UnmarshalText([]byte(c.LogLevel))
	return l
}
