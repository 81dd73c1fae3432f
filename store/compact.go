package store

// Compact puts every table of the database in one level, so that a read
// merges the memtables and that one level instead of each level and each
// level-0 table that writes left behind. Imports leave such a tree: after
// the imports of a dataset a hundred times the default one (two level-0
// tables and two levels), every seek and Get merged five sources, and a
// neighbourhood took 1.5 to 2 times the CPU it takes once compacted. Every version
// stays (the store never sets a discard timestamp), so views of the past
// read what they read before. Reads go on meanwhile; writes do too, but
// compete with it for level 0 (Badger's Flatten), so the server calls it
// once, at start. At 100x it takes about 4 s (in memory). Reports whether
// there was anything to compact.
func (s *Store) Compact() (bool, error) {
	if !s.deepTree() {
		return false, nil
	}
	return true, s.db.Flatten(2)
}

// deepTree reports whether the tables stand in more than one level, or
// level 0 holds more tables than Badger's compactors leave there (each is a
// source of its own). Short processes, such as one import each, leave them
// piling up: the compactors have no time to run.
func (s *Store) deepTree() bool {
	levels, level0 := 0, 0
	for _, l := range s.db.Levels() {
		if l.NumTables > 0 {
			levels++
		}
		if l.Level == 0 {
			level0 = l.NumTables
		}
	}
	return levels > 1 || level0 > s.db.Opts().NumLevelZeroTables
}
