package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// Versions. Badger runs in managed mode: every write commits at a
// timestamp the store chooses, its data version, and readers read at the
// version published last. A write's records, index keys and change records
// are invisible until its version is published, so a reader sees the graph
// before or after a write, never a part of it, and a large import may commit
// in as many transactions as it needs under one version. Old versions stay
// readable: At(v) reads the graph as it stood at version v (knownAt).

// writer assigns versions and serialises writes: one writer at a time, so
// versions follow commit order and a read-check-write cannot lose an update.
type writer struct {
	mu        sync.Mutex
	published atomic.Uint64 // the version readers read
	next      uint64        // the version the next write takes (guarded by mu)
	lastAt    time.Time     // when the last version was published (guarded by mu)
}

// readVersion is the version this Store reads.
func (s *Store) readVersion() uint64 {
	if s.past {
		return s.at
	}
	return s.w.published.Load()
}

// At returns a read-only view of the store as it stood at version v (0:
// before anything was written).
func (s *Store) At(v uint64) *Store {
	return &Store{shared: s.shared, at: min(v, s.w.published.Load()), past: true, uncached: s.uncached}
}

// Past reports whether s is a view of an earlier version.
func (s *Store) Past() bool { return s.past }

// bumpMarker, written under dataVersionKey by a write that changed data,
// is replaced by the version when the write commits.
var bumpMarker = []byte{0}

// bumpDataVersion marks txn as a write that changes data: it will commit
// at a new version. A transaction that is not marked commits nothing.
func bumpDataVersion(txn *badger.Txn) error { return txn.Set(dataVersionKey, bumpMarker) }

func bumped(txn *badger.Txn) bool {
	item, err := txn.Get(dataVersionKey)
	if err != nil {
		return false
	}
	v, err := item.ValueCopy(nil)
	return err == nil && bytes.Equal(v, bumpMarker)
}

// update runs fn in a write transaction at the next version and publishes
// it when fn marked the transaction with bumpDataVersion; otherwise nothing
// is written. The commit is synced before update returns.
func (s *Store) update(ctx context.Context, fn func(*badger.Txn) error) error {
	_, err := s.write(ctx, func(txn *badger.Txn, _ uint64, _ time.Time) error { return fn(txn) })
	return err
}

// write is update for writers that need the version they write (change
// records hold it). Returns the version published, the current one when
// nothing was written. Returns EBADINPUT when the write is too large for one
// transaction (use a staged write).
func (s *Store) write(ctx context.Context, fn func(txn *badger.Txn, v uint64, at time.Time) error) (uint64, error) {
	if err := s.writable(ctx); err != nil {
		return 0, err
	}
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	v, at := s.w.next, s.stampLocked()
	txn := s.db.NewTransactionAt(s.w.published.Load(), true)
	defer txn.Discard()
	if err := fn(txn, v, at); err != nil {
		return 0, tooBig(err)
	}
	if !bumped(txn) {
		return s.w.published.Load(), nil
	}
	if err := s.publishLocked(txn, v, at); err != nil {
		return 0, tooBig(err)
	}
	return v, nil
}

// writable refuses a write to a view of the past, or once ctx is done.
func (s *Store) writable(ctx context.Context) error {
	if s.past {
		return domain.Errorf(domain.ECONFLICT, "a view of the past cannot be written")
	}
	return ctx.Err()
}

func tooBig(err error) error {
	if errors.Is(err, badger.ErrTxnTooBig) {
		return domain.Errorf(domain.EBADINPUT, "the write is too large for one transaction")
	}
	return err
}

// stampLocked is the time the next version is recorded at: now, or just
// after the last one if the clock went back (versions stay in time order).
func (s *Store) stampLocked() time.Time {
	at := time.Now().UTC().Truncate(time.Microsecond)
	if !at.After(s.w.lastAt) {
		at = s.w.lastAt.Add(time.Microsecond)
	}
	return at
}

// publishLocked commits txn, the last transaction of version v recorded at
// at, with the keys that publish it, and makes v the version readers read.
func (s *Store) publishLocked(txn *badger.Txn, v uint64, at time.Time) error {
	s.w.next = v + 1 // a failed commit leaves a gap, never a reused version
	if err := txn.Set(dataVersionKey, binary.BigEndian.AppendUint64(nil, v)); err != nil {
		return err
	}
	if err := txn.Set(knownAtKey(at, v), nil); err != nil {
		return err
	}
	if err := txn.CommitAt(v, nil); err != nil {
		return err
	}
	s.w.lastAt = at
	s.w.published.Store(v)
	return nil
}

func knownAtKey(at time.Time, v uint64) []byte {
	k := binary.BigEndian.AppendUint64([]byte{pKnownAt}, uint64(at.UnixNano()))
	return binary.BigEndian.AppendUint64(k, v)
}

func minTime(a, b time.Time) time.Time {
	if a.After(b) {
		return b
	}
	return a
}

// VersionAt returns the version published last at or before t, 0 when
// nothing was published yet then.
func (s *Store) VersionAt(ctx context.Context, t time.Time) (uint64, error) {
	var v uint64
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pKnownAt}, Reverse: true})
		defer it.Close()
		if t.Before(time.Unix(0, 0)) {
			return nil
		}
		// UnixNano is undefined past 2262: such an instant is after every
		// write, not wrapped to an arbitrary one.
		t = minTime(t, time.Unix(0, math.MaxInt64))
		it.Seek(knownAtKey(t, math.MaxUint64))
		if it.Valid() {
			v = binary.BigEndian.Uint64(it.Item().Key()[9:])
		}
		return nil
	})
	return v, err
}

// stage is a write too large for one transaction: its parts commit in as
// many transactions as they need, all at version v, and become visible
// together when the last one publishes v. Each part reads the graph as
// published before the write (parts must not depend on each other) and
// writes keys no other part writes.
type stage struct {
	s       *Store
	v       uint64
	at      time.Time
	txn     *badger.Txn
	pending []stagePart // parts in txn, not yet committed
	failed  bool
	dry     bool // a dry run: parts are written and discarded, nothing commits
}

type stagePart struct {
	write func(*badger.Txn) error
	done  func() // counts what the part wrote, once it is committed
}

// staged runs fn with a stage under the write lock and publishes its
// version when fn succeeds. On failure every part committed so far is
// rolled back, so nothing of the write remains.
func (s *Store) staged(ctx context.Context, fn func(st *stage) error) (uint64, error) {
	return s.runStage(ctx, false, fn)
}

// dryStaged runs fn as staged does, committing nothing: every part is
// written to a transaction that is thrown away.
func (s *Store) dryStaged(ctx context.Context, fn func(st *stage) error) error {
	_, err := s.runStage(ctx, true, fn)
	return err
}

func (s *Store) runStage(ctx context.Context, dry bool, fn func(st *stage) error) (uint64, error) {
	if err := s.writable(ctx); err != nil {
		return 0, err
	}
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	st := &stage{s: s, v: s.w.next, at: s.stampLocked(), dry: dry}
	st.txn = s.db.NewTransactionAt(s.w.published.Load(), true)
	err := fn(st)
	if dry {
		st.txn.Discard()
		return 0, err
	}
	if err == nil {
		err = st.finish()
	}
	if err != nil {
		st.txn.Discard()
		if st.failed {
			s.w.next = st.v + 1
			if rerr := s.rollbackLocked(); rerr != nil {
				return 0, errors.Join(err, rerr)
			}
		}
		return 0, tooBig(err)
	}
	return st.v, nil
}

// Version is the version the stage writes, and the time it is recorded at.
func (st *stage) Version() (uint64, time.Time) { return st.v, st.at }

// Reader is a transaction reading the graph as published before the write.
func (st *stage) Reader() *badger.Txn { return st.txn }

// Add writes one part. When the transaction is full, the parts before it
// are committed and the part is written again in a new transaction.
func (st *stage) Add(write func(*badger.Txn) error, done func()) error {
	err := write(st.txn)
	if !errors.Is(err, badger.ErrTxnTooBig) {
		if err == nil {
			st.pending = append(st.pending, stagePart{write, done})
		}
		return err
	}
	if len(st.pending) == 0 {
		return domain.Errorf(domain.EBADINPUT, "one record is too large to write")
	}
	// The full transaction holds part of this record: drop it, write the
	// parts before again, commit them, and start a new one with this part.
	st.txn.Discard()
	st.txn = st.s.db.NewTransactionAt(st.s.w.published.Load(), true)
	if st.dry {
		st.pending = st.pending[:0]
		return st.Add(write, done)
	}
	for _, p := range st.pending {
		if err := p.write(st.txn); err != nil {
			return err
		}
	}
	st.failed = true // from here on, a failure must roll back
	if err := st.txn.CommitAt(st.v, nil); err != nil {
		return err
	}
	for _, p := range st.pending {
		if p.done != nil {
			p.done()
		}
	}
	st.pending = st.pending[:0]
	st.txn = st.s.db.NewTransactionAt(st.s.w.published.Load(), true)
	return st.Add(write, done)
}

// finish publishes the stage's version with its last transaction.
func (st *stage) finish() error {
	if err := bumpDataVersion(st.txn); err != nil {
		return err
	}
	if err := st.s.publishLocked(st.txn, st.v, st.at); err != nil {
		st.failed = true
		return err
	}
	for _, p := range st.pending {
		if p.done != nil {
			p.done()
		}
	}
	return nil
}

// recover reads the version published last and rolls back whatever was
// committed above it (a staged write cut short by a crash).
func (s *Store) recover() error {
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	var published uint64
	var lastAt time.Time
	err := s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(dataVersionKey)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(b []byte) error {
			if len(b) == 8 {
				published = binary.BigEndian.Uint64(b)
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	s.w.published.Store(published)
	s.cache.reset() // a restore may publish a version older than the cache's
	s.w.next = max(published, s.db.MaxVersion()) + 1
	if err := s.view(context.Background(), func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pKnownAt}, Reverse: true})
		defer it.Close()
		it.Seek([]byte{pKnownAt, 0xff})
		if it.Valid() {
			lastAt = time.Unix(0, int64(binary.BigEndian.Uint64(it.Item().Key()[1:9]))).UTC()
		}
		return nil
	}); err != nil {
		return err
	}
	s.w.lastAt = lastAt
	if s.w.next > published+1 {
		return s.rollbackLocked()
	}
	return nil
}

// rollbackLocked writes back, at a new version, the published value of
// every key that has a newer, unpublished one, and publishes that version.
// Running it twice changes nothing more (it may be cut short by a crash too).
func (s *Store) rollbackLocked() error {
	published := s.w.published.Load()
	type restore struct {
		key, val []byte
		del      bool
	}
	var fixes []restore
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{AllVersions: true})
		defer it.Close()
		var cur []byte
		newer := false
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			if !bytes.Equal(item.Key(), cur) { // the newest version of a key comes first
				if newer && cur != nil {
					fixes = append(fixes, restore{key: cur, del: true})
				}
				cur = item.KeyCopy(nil)
				newer = item.Version() > published
				if !newer {
					continue
				}
			}
			if !newer || item.Version() > published {
				continue
			}
			newer = false // the published version of cur: write it back
			if item.IsDeletedOrExpired() {
				fixes = append(fixes, restore{key: cur, del: true})
				continue
			}
			val, err := item.ValueCopy(nil)
			if err != nil {
				return err
			}
			fixes = append(fixes, restore{key: cur, val: val})
		}
		if newer && cur != nil {
			fixes = append(fixes, restore{key: cur, del: true})
		}
		return nil
	})
	if err != nil {
		return err
	}
	v := s.w.next
	wb := s.db.NewWriteBatchAt(v)
	for _, f := range fixes {
		if bytes.Equal(f.key, dataVersionKey) {
			continue // published below, last
		}
		if f.del {
			err = wb.Delete(f.key)
		} else {
			err = wb.Set(f.key, f.val)
		}
		if err != nil {
			wb.Cancel()
			return err
		}
	}
	if err := wb.Flush(); err != nil {
		return err
	}
	txn := s.db.NewTransactionAt(published, true)
	defer txn.Discard()
	return s.publishLocked(txn, v, s.stampLocked())
}
