package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cccs13/cccs-graph/graph"
)

// config is the server's configuration: flags, with environment fallbacks.
type config struct {
	Addr            string
	Data            string
	CORSOrigins     string
	CORSCredentials bool
	Introspection   bool
	LogFormat       string
	MaxBody         int64
	Limits          graph.Limits  // per GraphQL request
	RequestTimeout  time.Duration // deadline of one request
	MaxInFlight     int           // requests handled at once; more get 503
	CacheBytes      int           // response cache
	QueryCacheBytes int           // parsed-query cache
	PublicURL       string        // base of absolute links; "" for the listen address

	envErrors []string // environment values that did not parse
}

// env returns the environment variable or def.
func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

// envBool returns the environment variable as a boolean, or def; a value
// that does not parse is recorded for Validate.
func (c *config) envBool(name string, def bool) bool {
	b, err := strconv.ParseBool(env(name, strconv.FormatBool(def)))
	if err != nil {
		c.envErrors = append(c.envErrors, fmt.Sprintf("%s=%q is not true or false", name, os.Getenv(name)))
		return def
	}
	return b
}

// envInt returns the environment variable as an integer, or def; a value
// that does not parse is recorded for Validate.
func (c *config) envInt(name string, def int64) int64 {
	n, err := strconv.ParseInt(env(name, strconv.FormatInt(def, 10)), 10, 64)
	if err != nil {
		c.envErrors = append(c.envErrors, fmt.Sprintf("%s=%q is not a whole number", name, os.Getenv(name)))
		return def
	}
	return n
}

// envDuration returns the environment variable as a duration, or def; a
// value that does not parse is recorded for Validate.
func (c *config) envDuration(name string, def time.Duration) time.Duration {
	d, err := time.ParseDuration(env(name, def.String()))
	if err != nil {
		c.envErrors = append(c.envErrors, fmt.Sprintf("%s=%q is not a duration such as 10s", name, os.Getenv(name)))
		return def
	}
	return d
}

// dataFlag registers the flag every subcommand shares.
func dataFlag(fs *flag.FlagSet, c *config) {
	fs.StringVar(&c.Data, "data", env("CCCS_DATA", "./data"), "data directory (env CCCS_DATA); created and loaded with the default dataset when empty")
	fs.StringVar(&c.LogFormat, "log", env("CCCS_LOG_FORMAT", "json"), "log format, json or text (env CCCS_LOG_FORMAT)")
}

// serveFlags registers the flags of the serve subcommand.
func serveFlags(fs *flag.FlagSet, c *config) {
	dataFlag(fs, c)
	fs.StringVar(&c.Addr, "addr", env("CCCS_ADDR", "localhost:8080"), "listen address (env CCCS_ADDR)")
	fs.StringVar(&c.CORSOrigins, "cors-origins", env("CCCS_CORS_ORIGINS", ""), "comma-separated origins allowed by CORS, such as https://example.org; * for any (env CCCS_CORS_ORIGINS)")
	fs.BoolVar(&c.CORSCredentials, "cors-credentials", c.envBool("CCCS_CORS_CREDENTIALS", false), "allow credentials in CORS requests; refused with origin * (env CCCS_CORS_CREDENTIALS)")
	fs.BoolVar(&c.Introspection, "introspection", c.envBool("CCCS_INTROSPECTION", true), "answer GraphQL introspection queries (env CCCS_INTROSPECTION)")
	fs.Int64Var(&c.MaxBody, "max-body", c.envInt("CCCS_MAX_BODY", 1<<20), "largest request body in bytes, larger ones get 413 (env CCCS_MAX_BODY)")
	limitFlags(fs, c)
	fs.StringVar(&c.PublicURL, "public-url", env("CCCS_PUBLIC_URL", ""), "base of the absolute links in answers, such as https://graph.example.org; default http:// and the listen address (env CCCS_PUBLIC_URL)")
}

// limitFlags registers the limits of one request (docs/operations.md).
func limitFlags(fs *flag.FlagSet, c *config) {
	d := graph.DefaultLimits
	fs.IntVar(&c.Limits.Complexity, "complexity-limit", int(c.envInt("CCCS_COMPLEXITY_LIMIT", int64(d.Complexity))), "largest cost of one GraphQL operation; list fields multiply by their page size (env CCCS_COMPLEXITY_LIMIT)")
	fs.IntVar(&c.Limits.Tokens, "max-tokens", int(c.envInt("CCCS_MAX_TOKENS", int64(d.Tokens))), "most tokens the GraphQL parser reads in one document (env CCCS_MAX_TOKENS)")
	fs.IntVar(&c.Limits.Selections, "max-selections", int(c.envInt("CCCS_MAX_SELECTIONS", int64(d.Selections))), "most fields and fragments in one GraphQL document, refused before validation (env CCCS_MAX_SELECTIONS)")
	fs.IntVar(&c.Limits.SetSelections, "max-selection-set", int(c.envInt("CCCS_MAX_SELECTION_SET", int64(d.SetSelections))), "most selections between one pair of braces (env CCCS_MAX_SELECTION_SET)")
	fs.IntVar(&c.Limits.InputBytes, "max-input", int(c.envInt("CCCS_MAX_INPUT", int64(d.InputBytes))), "longest string in a GraphQL variable or argument, in bytes (env CCCS_MAX_INPUT)")
	fs.IntVar(&c.Limits.Errors, "max-errors", int(c.envInt("CCCS_MAX_ERRORS", int64(d.Errors))), "most errors in one answer; the rest are counted in a last one (env CCCS_MAX_ERRORS)")
	fs.IntVar(&c.Limits.AnswerBytes, "max-answer", int(c.envInt("CCCS_MAX_ANSWER", int64(d.AnswerBytes))), "largest GraphQL answer (its data) in bytes; a larger one is replaced by an error (env CCCS_MAX_ANSWER)")
	fs.DurationVar(&c.RequestTimeout, "request-timeout", c.envDuration("CCCS_REQUEST_TIMEOUT", 10*time.Second), "deadline of one request; the work stops there and the client gets TIMEOUT (env CCCS_REQUEST_TIMEOUT)")
	fs.IntVar(&c.MaxInFlight, "max-in-flight", int(c.envInt("CCCS_MAX_IN_FLIGHT", 32)), "requests (GraphQL, maps, exports) handled at once; more are answered 503 with Retry-After at once (env CCCS_MAX_IN_FLIGHT)")
	fs.IntVar(&c.CacheBytes, "cache-bytes", int(c.envInt("CCCS_CACHE_BYTES", 64<<20)), "bytes of GraphQL answers kept for identical requests on unchanged data; 0 switches the cache off (env CCCS_CACHE_BYTES)")
	fs.IntVar(&c.QueryCacheBytes, "query-cache-bytes", int(c.envInt("CCCS_QUERY_CACHE_BYTES", 32<<20)), "bytes of parsed GraphQL documents kept (each weighed 16 times its text; texts over 16 KiB are not kept); 0 switches it off (env CCCS_QUERY_CACHE_BYTES)")
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

// Validate checks the configuration and says what is wrong in words.
func (c *config) Validate() error {
	if len(c.envErrors) > 0 {
		return fmt.Errorf("environment: %s", strings.Join(c.envErrors, "; "))
	}
	if c.Data == "" {
		return fmt.Errorf("-data: a data directory is required")
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		return fmt.Errorf("-log: %q is not json or text", c.LogFormat)
	}
	return nil
}

// validateServe checks the serve subcommand's configuration.
func (c *config) validateServe() error {
	if err := c.Validate(); err != nil {
		return err
	}
	if c.Addr == "" {
		return fmt.Errorf("-addr: a listen address is required")
	}
	if c.MaxBody < 1024 {
		return fmt.Errorf("-max-body: %d bytes is too small for a GraphQL request (at least 1024)", c.MaxBody)
	}
	positive := []struct {
		flag string
		n    int
	}{
		{"-complexity-limit", c.Limits.Complexity}, {"-max-tokens", c.Limits.Tokens},
		{"-max-selections", c.Limits.Selections}, {"-max-selection-set", c.Limits.SetSelections}, {"-max-input", c.Limits.InputBytes},
		{"-max-errors", c.Limits.Errors}, {"-max-answer", c.Limits.AnswerBytes}, {"-max-in-flight", c.MaxInFlight},
	}
	for _, p := range positive {
		if p.n < 1 {
			return fmt.Errorf("%s: must be positive, not %d", p.flag, p.n)
		}
	}
	if c.RequestTimeout <= 0 {
		return fmt.Errorf("-request-timeout: must be positive, such as 10s, not %s", c.RequestTimeout)
	}
	if c.CacheBytes < 0 || c.QueryCacheBytes < 0 {
		return fmt.Errorf("-cache-bytes and -query-cache-bytes: must be 0 (off) or more")
	}
	if err := checkPublicURL(c.PublicURL); err != nil {
		return err
	}
	return checkOrigins(c.origins(), c.CORSCredentials)
}
