package store

import (
	"context"
	"encoding/binary"
	"errors"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// putSearchIndex writes the search entries of a node. It runs in the
// transaction that writes the node, so the index never lags the data.
func putSearchIndex(txn *badger.Txn, n *domain.Node) error {
	return eachSearchKey(n, func(k []byte) error { return txn.Set(k, nil) })
}

// deleteSearchIndex removes the search entries of a node's old version, so a
// renamed node is no longer found by its old name.
func deleteSearchIndex(txn *badger.Txn, n *domain.Node) error {
	return eachSearchKey(n, txn.Delete)
}

// eachSearchKey calls fn with every index key of a node: its tokens, then
// their stems.
func eachSearchKey(n *domain.Node, fn func([]byte) error) error {
	terms, stems := indexTerms(n)
	for _, t := range terms {
		if err := fn(searchKey(pSearchTerm, t, n.ID)); err != nil {
			return err
		}
	}
	for _, st := range stems {
		if err := fn(searchKey(pSearchStem, st, n.ID)); err != nil {
			return err
		}
	}
	return nil
}

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
	return s.update(ctx, rebuildSearchIndex)
}

// rebuildSearchIndex drops every search entry and indexes every node again,
// in one transaction.
func rebuildSearchIndex(txn *badger.Txn) error {
	for _, p := range []byte{pSearchTerm, pSearchStem} {
		if err := deletePrefix(txn, []byte{p}); err != nil {
			return err
		}
	}
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pNode}, PrefetchValues: true, PrefetchSize: 64})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var n domain.Node
		if err := it.Item().Value(func(b []byte) error { return decode(b, &n) }); err != nil {
			return err
		}
		if err := putSearchIndex(txn, &n); err != nil {
			return err
		}
	}
	return txn.Set(searchVersionKey, binary.BigEndian.AppendUint32(nil, tokenizerVersion))
}

// deletePrefix deletes every key that starts with prefix.
func deletePrefix(txn *badger.Txn, prefix []byte) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	var keys [][]byte
	for it.Rewind(); it.Valid(); it.Next() {
		keys = append(keys, it.Item().KeyCopy(nil))
	}
	it.Close()
	for _, k := range keys {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// scanTokens returns the ids indexed under a token of prefix p: under the
// token itself, or under every token starting with it when prefix is true.
// A prefix scan stops after maxPrefixEntries entries, so one letter typed in
// a large graph costs a bounded read.
func scanTokens(txn *badger.Txn, p byte, token string, prefix bool) ([]string, error) {
	start := searchPrefix(p, token, !prefix)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: start})
	defer it.Close()
	var ids []string
	for it.Rewind(); it.Valid() && len(ids) < maxPrefixEntries; it.Next() {
		k, err := ParseKey(it.Item().Key())
		if err != nil {
			return nil, err
		}
		ids = append(ids, k.ID)
	}
	return ids, nil
}

// maxPrefixEntries bounds the index entries one prefix scan reads.
const maxPrefixEntries = 20000
