// Command dataset writes the default dataset scaled by a factor (package
// internal/synth, the generator the analysts' benchmarks use) as dataset
// files of at most -chunk records into a directory, nodes first, for
// `cccs-graph import` one file at a time, in name order:
//
//	go run ./bench/dataset -factor 100 -o /tmp/100x
//	for f in /tmp/100x/*.yaml; do cccs-graph import -data DIR "$f"; done
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cccs13/cccs-graph/internal/synth"
)

func main() {
	factor := flag.Int("factor", 10, fmt.Sprintf("copies of the default dataset, 1 to %d", synth.MaxFactor))
	chunk := flag.Int("chunk", 2000, "records per file: one import transaction must hold a file")
	dir := flag.String("o", "", "directory to write the files into (created)")
	flag.Parse()
	if err := write(*factor, *chunk, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "dataset:", err)
		os.Exit(1)
	}
}

func write(factor, chunk int, dir string) error {
	if dir == "" {
		return fmt.Errorf("-o: a directory is required")
	}
	ds, err := synth.Default(factor)
	if err != nil {
		return err
	}
	files, err := synth.Chunks(ds, chunk)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
