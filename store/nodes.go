package store

import (
	"errors"

	"github.com/dgraph-io/badger/v4"
)

// Node returns the node with the given id. Returns ENOTFOUND if there is none.
func (s *Store) Node(id string) (*Node, error) {
	var n Node
	err := s.view(func(txn *badger.Txn) error { return getNode(txn, id, &n) })
	if err != nil {
		return nil, err
	}
	return &n, nil
}

func getNode(txn *badger.Txn, id string, n *Node) error {
	item, err := txn.Get(nodeKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return Errorf(ENOTFOUND, "no node with id %q", id)
	}
	if err != nil {
		return err
	}
	return item.Value(func(b []byte) error {
		v, err := nodeMemo.decode(b)
		if err == nil {
			*n = *v
		}
		return err
	})
}

// Nodes returns the nodes with the given ids in one read, in the order of the
// ids, with nil where an id is unknown.
func (s *Store) Nodes(ids []string) ([]*Node, error) {
	out := make([]*Node, len(ids))
	err := s.view(func(txn *badger.Txn) error {
		for i, id := range ids {
			var n Node
			err := getNode(txn, id, &n)
			if ErrorCode(err) == ENOTFOUND {
				continue
			}
			if err != nil {
				return err
			}
			out[i] = &n
		}
		return nil
	})
	return out, err
}

// NodesOfKind returns every node of a kind, in id order. Returns EBADINPUT for
// an unknown kind.
func (s *Store) NodesOfKind(kind Kind) ([]*Node, error) {
	var out []*Node
	err := s.view(func(txn *badger.Txn) (err error) {
		out, err = nodesOfKind(txn, kind)
		return err
	})
	return out, err
}

// NodeByCode returns the node of a kind with a natural key (such as an INSEE
// code). Returns ENOTFOUND if there is none.
func (s *Store) NodeByCode(kind Kind, code string) (*Node, error) {
	kc, ok := kindCode(kind)
	if !ok {
		return nil, Errorf(EBADINPUT, "unknown node kind %q", kind)
	}
	var n Node
	err := s.view(func(txn *badger.Txn) error {
		prefix := codePrefix(kc, code)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
		defer it.Close()
		it.Rewind()
		if !it.Valid() {
			return Errorf(ENOTFOUND, "no %s with code %q", kind, code)
		}
		return getNode(txn, string(it.Item().Key()[len(prefix):]), &n)
	})
	if err != nil {
		return nil, err
	}
	return &n, nil
}

// naturalKey is the code a node is indexed by, "" for none.
func naturalKey(n *Node) string { return n.Fields["code"] }

// putNode writes a node and its index entries, replacing those of the old
// version. Reports whether anything changed.
func putNode(txn *badger.Txn, n *Node) (bool, error) {
	val, err := encode(n)
	if err != nil {
		return false, err
	}
	var old Node
	err = getNode(txn, n.ID, &old)
	switch {
	case err == nil:
		if prev, _ := encode(&old); string(prev) == string(val) {
			return false, nil
		}
		if err := deleteIndexes(txn, &old); err != nil {
			return false, err
		}
		if n.Kind == "territory" && old.Field("type") != n.Field("type") {
			if err := retypeGeometry(txn, n.ID, n.Field("type")); err != nil {
				return false, err
			}
		}
	case ErrorCode(err) != ENOTFOUND:
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
	return true, putSearchIndex(txn, n)
}

func deleteIndexes(txn *badger.Txn, n *Node) error {
	kc, _ := kindCode(n.Kind)
	if err := txn.Delete(kindKey(kc, n.ID)); err != nil {
		return err
	}
	if code := naturalKey(n); code != "" {
		if err := txn.Delete(codeKey(kc, code, n.ID)); err != nil {
			return err
		}
	}
	return deleteSearchIndex(txn, n)
}

// Size counts every node and relation, reading them all: for tests and
// tools that check what other paths report.
func (s *Store) Size() (nodes, relations int, err error) {
	for _, k := range Kinds {
		ns, err := s.NodesOfKind(k.Kind)
		if err != nil {
			return 0, 0, err
		}
		nodes += len(ns)
	}
	rels, err := s.AllRelations()
	return nodes, len(rels), err
}
