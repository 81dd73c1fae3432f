package store

import (
	"os"
	"path/filepath"
	"testing"
)

// TestEmptyLogsLeftByAKillAreCleared: the zero-length log files a kill
// leaves while Badger creates them do not make the directory unusable.
func TestEmptyLogsLeftByAKillAreCleared(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	importFile(t, s, "small.yaml")
	want, _ := s.Export(ctx)
	s.Close()
	for _, name := range []string{"00009.mem", "000009.vlog"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s, err = Open(dir, nil)
	if err != nil {
		t.Fatalf("open after a kill: %v", err)
	}
	defer s.Close()
	if got, _ := s.Export(ctx); string(got) != string(want) {
		t.Error("the data changed")
	}
}
