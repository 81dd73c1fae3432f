package store

import (
	"os"
	"path/filepath"
	"strings"
)

// clearEmptyLogs removes the zero-length log files (.mem, .vlog) that a
// process killed while Badger was creating them leaves behind. They hold no
// entry (Badger sizes a log and writes its header before any entry), yet
// Badger refuses to open a directory that has one ("Create a new file"), so
// a kill at that moment would make the data directory unusable.
func clearEmptyLogs(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".mem") && !strings.HasSuffix(name, ".vlog") {
			continue
		}
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() && info.Size() == 0 {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return err
			}
		}
	}
	return nil
}
