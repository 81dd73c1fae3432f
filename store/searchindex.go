package store

import (
	"context"
	"encoding/binary"
	"errors"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// ensureSearchIndex rebuilds the search index when it was built with other
// tokenisation rules, or not at all (a data directory written before search
// existed, or restored from such a backup).
func (s *Store) ensureSearchIndex(ctx context.Context) error {
	current := false
	err := s.view(ctx, func(txn *badger.Txn) error {
		item, err := txn.Get(searchVersionKey)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			current = len(v) == 4 && binary.BigEndian.Uint32(v) == tokenizerVersion
			return nil
		})
	})
	if err != nil || current {
		return err
	}
	return s.rebuildSearchIndex(ctx)
}

// rebuildSearchIndex drops every search entry (of this layout and the
// retired ones) and indexes every node again, as one staged write: at 100
// times the default dataset the postings do not fit one transaction.
func (s *Store) rebuildSearchIndex(ctx context.Context) error {
	_, err := s.staged(ctx, func(st *stage) error {
		for _, p := range []byte{0x30, 0x31, pPrefixPosting, pStemPosting} { // 0x30, 0x31: retired layout
			if err := deletePrefix(st, []byte{p}); err != nil {
				return err
			}
		}
		// A reader of its own: a part that fills a transaction replaces the
		// stage's.
		rd := s.db.NewTransactionAt(s.w.published.Load(), false)
		defer rd.Discard()
		it := rd.NewIterator(badger.IteratorOptions{Prefix: []byte{pNode}, PrefetchValues: true, PrefetchSize: 64})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var n domain.Node
			if err := it.Item().Value(func(b []byte) error { return decode(b, &n) }); err != nil {
				return err
			}
			if err := st.Add(func(txn *badger.Txn) error { return putSearchIndex(txn, &n) }, nil); err != nil {
				return err
			}
		}
		return st.Add(func(txn *badger.Txn) error {
			return txn.Set(searchVersionKey, binary.BigEndian.AppendUint32(nil, tokenizerVersion))
		}, nil)
	})
	return err
}

// deletePrefix deletes every key that starts with prefix, a thousand a part.
func deletePrefix(st *stage, prefix []byte) error {
	it := st.Reader().NewIterator(badger.IteratorOptions{Prefix: prefix})
	var keys [][]byte
	for it.Rewind(); it.Valid(); it.Next() {
		keys = append(keys, it.Item().KeyCopy(nil))
	}
	it.Close()
	for part := range slices.Chunk(keys, 1000) {
		err := st.Add(func(txn *badger.Txn) error {
			for _, k := range part {
				if err := txn.Delete(k); err != nil {
					return err
				}
			}
			return nil
		}, nil)
		if err != nil {
			return err
		}
	}
	return nil
}
