package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

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
	Complexity      int
	MaxBody         int64
	CacheEntries    int
	HTTPMaxAge      int
	TrustedDocs     string
	trusted         graph.TrustedDocuments // read from TrustedDocs by loadTrustedDocuments

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
	fs.IntVar(&c.Complexity, "complexity-limit", int(c.envInt("CCCS_COMPLEXITY_LIMIT", 20000)), "largest cost of one GraphQL operation; list fields multiply by their page size (env CCCS_COMPLEXITY_LIMIT)")
	fs.IntVar(&c.CacheEntries, "cache-entries", int(c.envInt("CCCS_CACHE_ENTRIES", 512)), "GraphQL answers kept in memory for identical requests on unchanged data; 0 switches the cache off (env CCCS_CACHE_ENTRIES)")
	fs.IntVar(&c.HTTPMaxAge, "http-max-age", int(c.envInt("CCCS_HTTP_MAX_AGE", 60)), "seconds an HTTP cache (browser, proxy, CDN) may serve a GraphQL GET answer without asking again; the ETag makes asking cheap (env CCCS_HTTP_MAX_AGE)")
	fs.StringVar(&c.TrustedDocs, "trusted-documents", env("CCCS_TRUSTED_DOCUMENTS", ""), "JSON file of the only operations that run (hash to document, or an Apollo persisted query manifest); none: any query runs (env CCCS_TRUSTED_DOCUMENTS)")
	fs.Int64Var(&c.MaxBody, "max-body", c.envInt("CCCS_MAX_BODY", 1<<20), "largest request body in bytes, larger ones get 413 (env CCCS_MAX_BODY)")
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
	if c.Complexity < 1 {
		return fmt.Errorf("-complexity-limit: must be positive, not %d", c.Complexity)
	}
	if c.CacheEntries < 0 {
		return fmt.Errorf("-cache-entries: must be 0 or more, not %d", c.CacheEntries)
	}
	if c.HTTPMaxAge < 0 {
		return fmt.Errorf("-http-max-age: must be 0 or more seconds, not %d", c.HTTPMaxAge)
	}
	if c.MaxBody < 1024 {
		return fmt.Errorf("-max-body: %d bytes is too small for a GraphQL request (at least 1024)", c.MaxBody)
	}
	for _, o := range c.origins() {
		if o == "*" && c.CORSCredentials {
			return fmt.Errorf("-cors-origins * cannot go with -cors-credentials: name the origins that may send credentials")
		}
	}
	return nil
}
