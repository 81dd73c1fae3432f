// Package store is the Badger adapter of cccs-graph: it keeps the network of
// package domain on disk with its indexes (kinds, natural keys, edges both
// ways, search, geometry), answers temporal queries and walks, and imports and
// exports datasets. It is the only package that imports Badger.
package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// Store is a graph store on one Badger database, read at its latest
// published version, or at a fixed earlier one (At).
type Store struct {
	*shared
	at       uint64 // with past: the version read
	past     bool   // false: read the latest published version
	uncached bool   // reads pass the read cache by (WithoutReadCache)
}

// shared is what every view of one database shares.
type shared struct {
	db        *badger.DB
	dir       string // "" in memory
	log       *slog.Logger
	reads     atomic.Int64
	geo       atomic.Pointer[geoIndex] // the spatial index (spatial.go)
	geoMu     sync.Mutex               // serialises its rebuilds
	pastGeo   *pastIndexes             // the indexes of earlier versions (spatial.go)
	counts    versionCounts            // nodes per kind and version (order.go)
	hitCounts versionCounts            // hits per search word, kinds and version (topk.go)
	relCounts versionCounts            // relations per query and version (relpage.go)
	cache     *readCache               // decoded nodes and relation lists of the version read last (readcache.go)
	// The ordered indexes are complete from version orderSince on, once
	// orderBuilt (order.go).
	orderSince atomic.Uint64
	orderBuilt atomic.Bool
	w          writer // versions and the write lock (version.go)
}

// Badger's memory. A memtable is an arena on the Go heap (42 MB for 32 MB),
// so its size is also the garbage collector's floor (a 128 MB one kept a
// server of a 1 MB dataset at 250 MB); it stays fixed whatever the memory
// budget, because one transaction holds at most 15 % of it and imports
// are one transaction each (bigger ones go in several files, as
// internal/synth.Chunks cuts them): a smaller one would refuse imports that
// a larger server takes. Two of them: writes go on while one is flushed.
const (
	memTableSize = 32 << 20
	numMemtables = 2
	// MemTableBytes is what the memtable in use takes on the Go heap: its
	// arena, 32 MB and twice the room of its largest batch (15 %); a second
	// one comes while the first is flushed after a large write.
	MemTableBytes = memTableSize + 2*(15*memTableSize/100)
	// DefaultBlockCacheBytes is the block cache of Open.
	DefaultBlockCacheBytes = 32 << 20
)

// Options are the sizes of a store's memory.
type Options struct {
	// BlockCacheBytes bounds Badger's cache of decompressed table blocks
	// (the tables are compressed with Snappy: a read outside it decompresses
	// its block again). At least 1 MiB.
	BlockCacheBytes int64
	// MemoBytes bounds the decoded records and name analyses remembered
	// (memo.go), together; they are the process's, so the last store opened
	// sets it. At least 1 MiB.
	MemoBytes int64
	// ReadCacheBytes bounds the read cache (readcache.go): decoded nodes
	// and relation lists of the version read last. 0 switches it off.
	ReadCacheBytes int64
}

// Open opens the store in dir, or in memory when dir is "", logging to log
// (nil: nowhere), with the default block cache. Returns ECONFLICT when
// another process holds the directory, EINTERNAL for other failures.
func Open(dir string, log *slog.Logger) (*Store, error) {
	return OpenWith(dir, log, DefaultOptions())
}

// DefaultOptions are the sizes of Open.
func DefaultOptions() Options {
	return Options{BlockCacheBytes: DefaultBlockCacheBytes, MemoBytes: DefaultMemoBytes, ReadCacheBytes: DefaultReadCacheBytes}
}

// OpenWith is Open with the memory sizes of o.
//
// The tables are memory-mapped (Badger 4 always maps them): their pages are
// the files' own, clean, shared with the page cache and dropped by the kernel
// under pressure, so they count in the process's RssFile, at most the size of
// the tables on disk. The index cache is off: each table's index and Bloom
// filter are read in place from its mapping instead of copied onto the heap.
// Values are kept in the tables (ValueThreshold stays Badger's 1 MB), so the
// value log holds nothing that reads touch.
func OpenWith(dir string, log *slog.Logger, o Options) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.BlockCacheBytes < 1<<20 || o.MemoBytes < 1<<20 {
		return nil, fmt.Errorf("open the store: a block cache of %d bytes or memos of %d are too small (at least 1 MiB)", o.BlockCacheBytes, o.MemoBytes)
	}
	if o.ReadCacheBytes < 0 || o.ReadCacheBytes > math.MaxInt32 {
		return nil, fmt.Errorf("open the store: a read cache of %d bytes: 0 (off) to 2 GiB", o.ReadCacheBytes)
	}
	setMemoBytes(o.MemoBytes)
	// Managed mode: the commit timestamp of every write is its data version,
	// and every version stays readable (knownAt). Writes are synced.
	opts := badger.DefaultOptions(dir).WithLogger(nil).
		WithMemTableSize(memTableSize).WithNumMemtables(numMemtables).
		WithBlockCacheSize(o.BlockCacheBytes).WithIndexCacheSize(0).WithSyncWrites(true)
	if dir == "" {
		opts = opts.WithInMemory(true)
	} else if err := CheckFree(dir, MinFree); err != nil {
		return nil, err
	} else if err := clearEmptyLogs(dir); err != nil {
		return nil, err
	}
	db, err := badger.OpenManaged(opts)
	if err != nil {
		if strings.Contains(err.Error(), "Cannot acquire directory lock") {
			return nil, domain.Errorf(domain.ECONFLICT, "data directory %s is in use by another process", dir)
		}
		return nil, fmt.Errorf("open badger in %q: %w", dir, err)
	}
	s := &Store{shared: &shared{db: db, dir: dir, log: log, cache: newReadCache(int(o.ReadCacheBytes)), pastGeo: newPastIndexes()}}
	ctx := context.Background() // opening is not a request: nothing cancels it
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
	if err := s.writeSchema(ctx, found); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.ensureSearchIndex(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.ensureOrderIndex(ctx, false); err != nil {
		db.Close()
		return nil, fmt.Errorf("build the ordered indexes: %w", err)
	}
	if err := s.rebuildGeoIndex(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("build the spatial index: %w", err)
	}
	return s, nil
}

// Close flushes and closes the database.
func (s *Store) Close() error { return s.db.Close() }

// readSchema reports whether the store has a schema version, and refuses
// one written by another layout.
func (s *Store) readSchema() (bool, error) {
	v, found, err := s.readNewest(metaKey)
	if err == nil && found && (len(v) != 4 || binary.BigEndian.Uint32(v) != schemaVersion) {
		err = domain.Errorf(domain.ECONFLICT, "data directory has schema version %x, this server reads %d: export with the older version and import", v, schemaVersion)
	}
	return found, err
}

// readNewest reads the newest value of a key, published or not (opening
// reads it before it knows the published version), and whether there is one.
func (s *Store) readNewest(key []byte) (v []byte, found bool, err error) {
	err = s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(key)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err == nil {
			found = true
			v, err = item.ValueCopy(nil)
		}
		return err
	})
	return v, found, err
}

// writeSchema writes the schema version in a new store, whose ordered
// indexes are complete from the start (it has no node).
func (s *Store) writeSchema(ctx context.Context, found bool) error {
	if found {
		return nil
	}
	_, err := s.write(ctx, func(txn *badger.Txn, v uint64, _ time.Time) error {
		if err := txn.Set(metaKey, binary.BigEndian.AppendUint32(nil, schemaVersion)); err != nil {
			return err
		}
		if err := txn.Set(orderVersionKey, orderVersionValue(v)); err != nil {
			return err
		}
		return bumpDataVersion(txn)
	})
	return err
}

// Reads counts the read transactions opened so far, for tests that prove a
// request's reads do not grow with the size of its answer.
func (s *Store) Reads() int64 { return s.reads.Load() }

// view runs fn in a read transaction, unless ctx is already done. Scans
// that may be long check ctx inside fn as well (see scanDone).
func (s *Store) view(ctx context.Context, fn func(*badger.Txn) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.db.IsClosed() {
		return badger.ErrDBClosed
	}
	s.reads.Add(1)
	txn := s.db.NewTransactionAt(s.readVersion(), false)
	defer txn.Discard()
	return fn(txn)
}

// errEnough stops a scan that has read what it needs (a page, a bound):
// the callback returns it and the caller treats it as success.
var errEnough = errors.New("enough")

// scanKeys calls fn with every key under prefix, in key order, and stops
// with ctx's error when it is done. The key is only valid during the call.
func scanKeys(ctx context.Context, txn *badger.Txn, prefix []byte, fn func(key []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	i := 0
	for it.Rewind(); it.Valid(); it.Next() {
		if err := scanDone(ctx, i); err != nil {
			return err
		}
		i++
		if err := fn(it.Item().Key()); err != nil {
			return err
		}
	}
	return nil
}

// scanEvery is how many keys a scan reads between two looks at its context.
const scanEvery = 256

// scanDone reports, every scanEvery calls (i counts them), the error of a
// context that is done: a request's deadline stops a long scan or walk.
func scanDone(ctx context.Context, i int) error {
	if i%scanEvery != 0 {
		return nil
	}
	return ctx.Err()
}

// DataVersion is the version this Store reads: the latest published one,
// bumped by every write that changes data (caches and ETags key on it). It
// reads no transaction (not counted in Reads).
func (s *Store) DataVersion(ctx context.Context) (uint64, error) { return s.readVersion(), ctx.Err() }

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
func (s *Store) Empty(ctx context.Context) (bool, error) {
	empty := true
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pNode}})
		defer it.Close()
		it.Rewind()
		empty = !it.Valid()
		return nil
	})
	return empty, err
}
