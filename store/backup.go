package store

import (
	"context"
	"io"

	"github.com/cccs13/cccs-graph/domain"
)

// Backup writes a full backup of the database to w.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	_, err := s.db.Backup(w, 0)
	return err
}

// Restore loads a backup into an empty store. Returns ECONFLICT when the store
// already holds data (restoring over it would mix two graphs).
func (s *Store) Restore(ctx context.Context, r io.Reader) error {
	empty, err := s.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return domain.Errorf(domain.ECONFLICT, "the data directory is not empty: restore into a new one")
	}
	if err := s.db.Load(r, 256); err != nil {
		return err
	}
	// Index again: a backup written before search existed, or with other
	// tokenisation rules, brings no usable index, while this store already
	// marked its empty index as current when it was opened. The spatial index
	// lives in memory and is rebuilt from the restored geometries.
	if err := s.update(ctx, rebuildSearchIndex); err != nil {
		return err
	}
	return s.rebuildGeoIndex(context.WithoutCancel(ctx))
}
