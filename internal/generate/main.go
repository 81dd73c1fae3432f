// Command generate is the project's gqlgen: it loads gqlgen.yml, runs
// gqlgen's generator with the plugins below, which change the generated code
// where gqlgen's defaults cost too much, then replaces a few calls of the
// exec file that no plugin can reach (calls.go). Run it with
// `go generate ./...` (graph/resolver.go); never edit generated code by hand.
package main

import (
	"fmt"
	"os"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen/config"
	"github.com/99designs/gqlgen/plugin"

	"github.com/cccs13/cccs-graph/internal/generate/fieldhooks"
	"github.com/cccs13/cccs-graph/internal/generate/plangen"
)

// plugins run after gqlgen's own (models, resolvers), on the data the
// executable schema is rendered from. A new plugin is one line here.
var plugins = []plugin.Plugin{
	fieldhooks.Plugin{},                       // middleware of the root fields and of the fields that take knownAt, none of the others
	plangen.New("graph/planned_generated.go"), // the planner's field table (graph/planner.go), which calls those middlewares too
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "generate:", err)
		os.Exit(1)
	}
}

func run() error {
	// Searches gqlgen.yml upwards from the working directory and moves there,
	// as `gqlgen generate` does.
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		return err
	}
	opts := make([]api.Option, 0, len(plugins))
	for _, p := range plugins {
		opts = append(opts, api.AddPlugin(p))
	}
	if err := api.Generate(cfg, opts...); err != nil {
		return err
	}
	return replaceCalls(cfg.Exec.Filename)
}
