package store

import "fmt"

// Badger maps its files into memory: a write to a mapped page on a full disk
// kills the process with SIGBUS and a stack dump. The commands that write
// therefore check the free space first and stop with a message.

// MinFree is the free space a writable store needs beyond what a command
// writes: Badger's logs and a compaction's new tables.
const MinFree = 32 << 20

// writeNeed is the free space needed to write n bytes of records into a
// store: the log, the tables, the indexes rebuilt, and the margin.
func writeNeed(n int64) uint64 { return 3*uint64(n) + MinFree }

// checkFree checks that the store's disk can take an import of files.
func (s *Store) checkFree(files ...File) error {
	if s.dir == "" {
		return nil
	}
	var n int64
	for _, f := range files {
		n += int64(len(f.Data))
	}
	return CheckFree(s.dir, writeNeed(n))
}

// CheckFree returns an error that says so when the file system of dir has
// less than need bytes free (where free space cannot be known, nil).
func CheckFree(dir string, need uint64) error {
	free, ok := freeSpace(dir)
	if !ok || free >= need {
		return nil
	}
	return fmt.Errorf("only %s free on the file system of %s; this needs at least %s: free some space and try again",
		byteSize(free), dir, byteSize(need))
}

// byteSize writes a size for a person: 3.2 MB.
func byteSize(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
