package store

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// APIToken is a stored API token: its name and role, never the token
// itself. The key is the SHA-256 hash of the token (package auth makes both).
type APIToken struct {
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Hash      []byte    `json:"hash"`
	Created   time.Time `json:"created"`
	CreatedBy string    `json:"createdBy,omitempty"`
	Revoked   time.Time `json:"revoked,omitzero"`
}

func tokenKey(hash []byte) []byte     { return keyWriter{pToken}.raw(string(hash)) }
func tokenNameKey(name string) []byte { return keyWriter{pTokenName}.raw(name) }

// CreateToken stores a new token. Returns ECONFLICT when a token of that
// name exists (revoked ones included: names stay unique in the history).
func (s *Store) CreateToken(ctx context.Context, t APIToken) error {
	return s.update(ctx, func(txn *badger.Txn) error {
		if _, err := txn.Get(tokenNameKey(t.Name)); err == nil {
			return domain.Errorf(domain.ECONFLICT, "a token named %q exists already", t.Name)
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		val, err := encode(&t)
		if err != nil {
			return err
		}
		if err := txn.Set(tokenKey(t.Hash), val); err != nil {
			return err
		}
		if err := bumpDataVersion(txn); err != nil {
			return err
		}
		return txn.Set(tokenNameKey(t.Name), t.Hash)
	})
}

// TokenByHash returns the token whose hash is h. Returns ENOTFOUND if there
// is none.
func (s *Store) TokenByHash(ctx context.Context, h []byte) (*APIToken, error) {
	var t APIToken
	err := s.view(ctx, func(txn *badger.Txn) error {
		item, err := txn.Get(tokenKey(h))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return domain.Errorf(domain.ENOTFOUND, "unknown token")
		}
		if err != nil {
			return err
		}
		return item.Value(func(b []byte) error { return decode(b, &t) })
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// Tokens returns every token, revoked ones too, by name.
func (s *Store) Tokens(ctx context.Context) ([]*APIToken, error) {
	var out []*APIToken
	err := s.view(ctx, func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pToken}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			var t APIToken
			if err := it.Item().Value(func(b []byte) error { return decode(b, &t) }); err != nil {
				return err
			}
			out = append(out, &t)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b *APIToken) int { return cmp.Compare(a.Name, b.Name) })
	return out, err
}

// RevokeToken marks the token named name revoked at the given time: it no
// longer authenticates, and its name stays in the list. Returns ENOTFOUND if
// there is no such token.
func (s *Store) RevokeToken(ctx context.Context, name string, at time.Time) error {
	return s.update(ctx, func(txn *badger.Txn) error {
		item, err := txn.Get(tokenNameKey(name))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return domain.Errorf(domain.ENOTFOUND, "no token named %q", name)
		}
		if err != nil {
			return err
		}
		hash, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		item, err = txn.Get(tokenKey(hash))
		if err != nil {
			return err
		}
		var t APIToken
		if err := item.Value(func(b []byte) error { return decode(b, &t) }); err != nil {
			return err
		}
		if !t.Revoked.IsZero() {
			return nil
		}
		t.Revoked = at.UTC()
		val, err := encode(&t)
		if err != nil {
			return err
		}
		if err := bumpDataVersion(txn); err != nil {
			return err
		}
		return txn.Set(tokenKey(hash), val)
	})
}
