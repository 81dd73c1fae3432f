package store

import (
	"context"
	"errors"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// Node returns the node with the given id. Returns ENOTFOUND if there is none.
func (s *Store) Node(ctx context.Context, id string) (*domain.Node, error) {
	ns, err := s.nodes(ctx, []string{id}, true)
	if err != nil {
		return nil, err
	}
	return ns[0], nil
}

func getNode(txn *badger.Txn, id string, n *domain.Node) error {
	return readNode(txn, id, n, decodeMemo[domain.Node])
}

// readNode reads the node id into n, decoded by decode (decodeMemo, or
// decodeSeen for the reads of every node).
func readNode(txn *badger.Txn, id string, n *domain.Node, decode func(*memo[*domain.Node], []byte) (*domain.Node, error)) error {
	item, err := txn.Get(nodeKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return domain.Errorf(domain.ENOTFOUND, "no node with id %q", id)
	}
	if err != nil {
		return err
	}
	return item.Value(func(b []byte) error {
		v, err := decode(nodeMemo, b)
		if err == nil {
			*n = *v
			n.Version = item.Version()
		}
		return err
	})
}

// Nodes returns the nodes with the given ids in one read, in the order of the
// ids, with nil where an id is unknown.
func (s *Store) Nodes(ctx context.Context, ids []string) ([]*domain.Node, error) {
	return s.nodes(ctx, ids, false)
}

// nodes reads the nodes with these ids through the read cache, each the
// caller's own copy (their maps and slices are shared and read-only): nil
// where an id is unknown, or ENOTFOUND when must.
func (s *Store) nodes(ctx context.Context, ids []string, must bool) ([]*domain.Node, error) {
	l, err := s.lazy(ctx)
	if err != nil {
		return nil, err
	}
	defer l.discard()
	out := make([]*domain.Node, len(ids))
	for i, id := range ids {
		n, err := l.node(id)
		if domain.ErrorCode(err) == domain.ENOTFOUND && !must {
			continue
		}
		if err != nil {
			return nil, err
		}
		c := *n
		out[i] = &c
	}
	return out, nil
}

// NodesOfKind returns every node of a kind, in id order. Returns EBADINPUT for
// an unknown kind.
func (s *Store) NodesOfKind(ctx context.Context, kind domain.Kind) ([]*domain.Node, error) {
	kc, ok := kindCode(kind)
	if !ok {
		return nil, domain.Errorf(domain.EBADINPUT, "unknown node kind %q", kind)
	}
	var out []*domain.Node
	err := s.view(ctx, func(txn *badger.Txn) (err error) {
		out, err = nodesOfKind(ctx, txn, kc)
		return err
	})
	return out, err
}

// nodesOfKind reads every node of a kind (by its code) in txn, in id order.
func nodesOfKind(ctx context.Context, txn *badger.Txn, kc byte) ([]*domain.Node, error) {
	var out []*domain.Node
	prefix := kindPrefix(kc)
	err := scanKeys(ctx, txn, prefix, func(key []byte) error {
		var n domain.Node
		if err := getNode(txn, string(key[len(prefix):]), &n); err != nil {
			return err
		}
		out = append(out, &n)
		return nil
	})
	return out, err
}

// NodeByCode returns the node of a kind with a natural key (such as an INSEE
// code). Returns ENOTFOUND if there is none.
func (s *Store) NodeByCode(ctx context.Context, kind domain.Kind, code string) (*domain.Node, error) {
	kc, ok := kindCode(kind)
	if !ok {
		return nil, domain.Errorf(domain.EBADINPUT, "unknown node kind %q", kind)
	}
	var n domain.Node
	err := s.view(ctx, func(txn *badger.Txn) error {
		prefix := codePrefix(kc, code)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		it.Rewind()
		if !it.Valid() {
			return domain.Errorf(domain.ENOTFOUND, "no %s with code %q", kind, code)
		}
		return getNode(txn, string(it.Item().Key()[len(prefix):]), &n)
	})
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// naturalKey is the code a node is indexed by, "" for none.
func naturalKey(n *domain.Node) string { return n.Fields["code"] }

// putNode writes a node and its index entries, replacing those of the old
// version. Reports whether anything changed.
func putNode(txn *badger.Txn, n *domain.Node) (bool, error) {
	val, err := encode(n)
	if err != nil {
		return false, err
	}
	var old domain.Node
	err = getNode(txn, n.ID, &old)
	switch {
	case err == nil:
		if prev, _ := encode(&old); string(prev) == string(val) {
			return false, nil
		}
		if err := deleteIndexes(txn, &old); err != nil {
			return false, err
		}
		if n.Kind == domain.KindTerritory && old.Field("type") != n.Field("type") {
			if err := retypeGeometry(txn, n.ID, n.Field("type")); err != nil {
				return false, err
			}
		}
	case domain.ErrorCode(err) != domain.ENOTFOUND:
		return false, err
	}
	kc, _ := kindCode(n.Kind)
	if err := txn.Set(nodeKey(n.ID), val); err != nil {
		return false, err
	}
	if err := txn.Set(kindKey(kc, n.ID), nil); err != nil {
		return false, err
	}
	if code := naturalKey(n); code != "" {
		if err := txn.Set(codeKey(kc, code, n.ID), nil); err != nil {
			return false, err
		}
	}
	if err := putOrderKeys(txn, n); err != nil {
		return false, err
	}
	return true, putSearchIndex(txn, n)
}

func deleteIndexes(txn *badger.Txn, n *domain.Node) error {
	kc, _ := kindCode(n.Kind)
	if err := txn.Delete(kindKey(kc, n.ID)); err != nil {
		return err
	}
	if code := naturalKey(n); code != "" {
		if err := txn.Delete(codeKey(kc, code, n.ID)); err != nil {
			return err
		}
	}
	if err := deleteOrderKeys(txn, n); err != nil {
		return err
	}
	return deleteSearchIndex(txn, n)
}

// Size counts every node and relation, reading them all: for tests and
// tools that check what other paths report.
func (s *Store) Size(ctx context.Context) (nodes, relations int, err error) {
	for _, k := range domain.Kinds {
		ns, err := s.NodesOfKind(ctx, k.Kind)
		if err != nil {
			return 0, 0, err
		}
		nodes += len(ns)
	}
	rels, err := s.AllRelations(ctx)
	return nodes, len(rels), err
}
