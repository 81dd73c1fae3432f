// Package store is the graph store of cccs-graph: nodes, relations and their
// indexes on Badger, temporal queries, the dataset importer and exporter, and
// the embedded default dataset. It is the only package that imports Badger.
package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"
)

// Store is a graph store on one Badger database.
type Store struct {
	db    *badger.DB
	dir   string // "" in memory
	reads atomic.Int64
	geo   atomic.Pointer[geoIndex] // the spatial index (spatial.go)
	geoMu sync.Mutex               // serialises its rebuilds
}

// maxRetries bounds the retries of a write transaction that conflicts.
const maxRetries = 5

// Open opens the store in dir, or in memory when dir is "". Returns ECONFLICT
// when another process holds the directory, EINTERNAL for other failures.
func Open(dir string) (*Store, error) {
	opts := badger.DefaultOptions(dir).WithLogger(nil).WithMemTableSize(128 << 20)
	if dir == "" {
		opts = opts.WithInMemory(true)
	} else if err := CheckFree(dir, MinFree); err != nil {
		return nil, err
	}
	db, err := badger.Open(opts)
	if err != nil {
		if strings.Contains(err.Error(), "Cannot acquire directory lock") {
			return nil, Errorf(ECONFLICT, "data directory %s is in use by another process", dir)
		}
		return nil, fmt.Errorf("open badger in %q: %w", dir, err)
	}
	s := &Store{db: db, dir: dir}
	if err := s.checkSchema(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.ensureSearchIndex(); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.rebuildGeoIndex(); err != nil {
		db.Close()
		return nil, fmt.Errorf("build the spatial index: %w", err)
	}
	return s, nil
}

// Close flushes and closes the database.
func (s *Store) Close() error { return s.db.Close() }

// checkSchema writes the schema version in a new store and refuses a store
// written by another layout.
func (s *Store) checkSchema() error {
	return s.db.Update(func(txn *badger.Txn) error {
		item, err := txn.Get(metaKey)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return txn.Set(metaKey, binary.BigEndian.AppendUint32(nil, schemaVersion))
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			if len(v) != 4 || binary.BigEndian.Uint32(v) != schemaVersion {
				return Errorf(ECONFLICT, "data directory has schema version %x, this server reads %d: export with the older version and import", v, schemaVersion)
			}
			return nil
		})
	})
}

// Reads counts the read transactions opened so far, for tests that prove a
// request's reads do not grow with the size of its answer.
func (s *Store) Reads() int64 { return s.reads.Load() }

// view runs fn in a read transaction.
func (s *Store) view(fn func(*badger.Txn) error) error {
	s.reads.Add(1)
	return s.db.View(fn)
}

// update runs fn in a write transaction, retried a bounded number of times on
// conflict. Returns ECONFLICT when the retries run out.
func (s *Store) update(fn func(*badger.Txn) error) error {
	for range maxRetries {
		err := s.db.Update(fn)
		if !errors.Is(err, badger.ErrConflict) {
			return err
		}
		slog.Warn("write conflict, retrying")
	}
	return Errorf(ECONFLICT, "the data changed during the write; try again")
}

// DataVersion is a counter bumped by every write that changes data: caches
// and ETags key on it. Its read is not counted in Reads: every request makes
// it for its cache key, before anything else runs.
func (s *Store) DataVersion() (uint64, error) {
	var v uint64
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		v, err = dataVersion(txn)
		return err
	})
	return v, err
}

func dataVersion(txn *badger.Txn) (uint64, error) {
	item, err := txn.Get(dataVersionKey)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var v uint64
	err = item.Value(func(b []byte) error {
		v = binary.BigEndian.Uint64(b)
		return nil
	})
	return v, err
}

func bumpDataVersion(txn *badger.Txn) error {
	v, err := dataVersion(txn)
	if err != nil {
		return err
	}
	return txn.Set(dataVersionKey, binary.BigEndian.AppendUint64(nil, v+1))
}

// Values start with a version byte, then JSON.
const valueVersion byte = 1

func encode(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return append([]byte{valueVersion}, b...), nil
}

func decode(b []byte, v any) error {
	if len(b) == 0 || b[0] != valueVersion {
		return fmt.Errorf("value version %v unknown", b[:min(len(b), 1)])
	}
	return json.Unmarshal(b[1:], v)
}

// Empty reports whether the store holds no node.
func (s *Store) Empty() (bool, error) {
	empty := true
	err := s.view(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pNode}})
		defer it.Close()
		it.Rewind()
		empty = !it.Valid()
		return nil
	})
	return empty, err
}
