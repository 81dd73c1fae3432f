// Package store is the graph store of cccs-graph: nodes, relations and their
// indexes on Badger, temporal queries, the dataset importer and exporter, and
// the embedded default dataset. It is the only package that imports Badger.
package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"
)

// Store is a graph store on one Badger database, read at its latest
// published version, or at a fixed earlier one (At).
type Store struct {
	*shared
	at   uint64 // with past: the version read
	past bool   // false: read the latest published version
}

// shared is what every view of one database shares.
type shared struct {
	db    *badger.DB
	reads atomic.Int64
	geo   atomic.Pointer[geoIndex] // the spatial index (spatial.go)
	geoMu sync.Mutex               // serialises its rebuilds
	w     writer                   // versions and the write lock (version.go)
}

// Open opens the store in dir, or in memory when dir is "". Returns ECONFLICT
// when another process holds the directory, EINTERNAL for other failures.
func Open(dir string) (*Store, error) {
	// Managed mode: the commit timestamp of every write is its data version,
	// and every version stays readable (knownAt). Writes are synced.
	opts := badger.DefaultOptions(dir).WithLogger(nil).WithMemTableSize(128 << 20).WithSyncWrites(true)
	if dir == "" {
		opts = opts.WithInMemory(true)
	}
	db, err := badger.OpenManaged(opts)
	if err != nil {
		if strings.Contains(err.Error(), "Cannot acquire directory lock") {
			return nil, Errorf(ECONFLICT, "data directory %s is in use by another process", dir)
		}
		return nil, fmt.Errorf("open badger in %q: %w", dir, err)
	}
	s := &Store{shared: &shared{db: db}}
	// The schema is read before anything is written: a store of another
	// layout is left as it is.
	found, err := s.readSchema()
	if err != nil {
		db.Close()
		return nil, err
	}
	if err := s.recover(); err != nil {
		db.Close()
		return nil, fmt.Errorf("recover the last published version: %w", err)
	}
	if err := s.writeSchema(found); err != nil {
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

// readSchema reports whether the store has a schema version, and refuses
// one written by another layout.
func (s *Store) readSchema() (found bool, err error) {
	err = s.db.View(func(txn *badger.Txn) error { // the newest of everything
		item, err := txn.Get(metaKey)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		found = true
		return item.Value(func(v []byte) error {
			if len(v) != 4 || binary.BigEndian.Uint32(v) != schemaVersion {
				return Errorf(ECONFLICT, "data directory has schema version %x, this server reads %d: export with the older version and import", v, schemaVersion)
			}
			return nil
		})
	})
	return found, err
}

// writeSchema writes the schema version in a new store.
func (s *Store) writeSchema(found bool) error {
	if found {
		return nil
	}
	return s.update(func(txn *badger.Txn) error {
		if err := txn.Set(metaKey, binary.BigEndian.AppendUint32(nil, schemaVersion)); err != nil {
			return err
		}
		return bumpDataVersion(txn)
	})
}

// Reads counts the read transactions opened so far, for tests that prove a
// request's reads do not grow with the size of its answer.
func (s *Store) Reads() int64 { return s.reads.Load() }

// view runs fn in a read transaction at the version this Store reads.
func (s *Store) view(fn func(*badger.Txn) error) error {
	if s.db.IsClosed() {
		return badger.ErrDBClosed
	}
	s.reads.Add(1)
	txn := s.db.NewTransactionAt(s.readVersion(), false)
	defer txn.Discard()
	return fn(txn)
}

// DataVersion is the version this Store reads: the latest published one,
// bumped by every write that changes data (caches and ETags key on it).
func (s *Store) DataVersion() (uint64, error) { return s.readVersion(), nil }

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
