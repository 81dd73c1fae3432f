package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/dgraph-io/badger/v4"

	"github.com/cccs13/cccs-graph/domain"
)

// A backup file says what it is: one line of JSON (the header), then the
// records: every version of every key up to the published data version (the
// history travels with the data, so knownAt answers the same after a
// restore), each a key, its version, a deletion flag and a value, lengths and
// the version as uvarints. The header
// gives the format, its version, the store's schema version and data
// version, the number of records, their length in bytes and their SHA-256,
// so a restore checks the whole file before it writes anything.
//
//	{"format":"cccs-graph backup","version":1,"schema":1,"dataVersion":7,"records":4210,"bytes":912345,"sha256":"…"}
//	<uvarint len(key)> key <uvarint version> <byte 1 if deleted> <uvarint len(value)> value ...

// BackupFormat and BackupVersion name the format of backup files.
const (
	BackupFormat  = "cccs-graph backup"
	BackupVersion = 2 // 2: every version of every key, with its version and deletion flag
)

// Bounds a backup's parts must stay within: a reader never allocates more
// than these on a file's word.
const (
	maxHeader      = 4 << 10
	maxBackupKey   = 64 << 10
	maxBackupValue = 256 << 20
)

// BackupHeader is the first line of a backup file.
type BackupHeader struct {
	Format      string `json:"format"`
	Version     int    `json:"version"`
	Schema      uint32 `json:"schema"`
	DataVersion uint64 `json:"dataVersion"`
	Records     int64  `json:"records"`
	Bytes       int64  `json:"bytes"`
	SHA256      string `json:"sha256"`
}

// Backup writes a backup of the whole store to w, from one snapshot: a first
// pass sums the records up for the header, a second writes them.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	return s.view(ctx, func(txn *badger.Txn) error {
		h, err := backupHeader(txn)
		if err != nil {
			return err
		}
		line, _ := json.Marshal(h)
		bw := bufio.NewWriterSize(w, 1<<16)
		if _, err := bw.Write(append(line, '\n')); err != nil {
			return err
		}
		if err := eachRecord(txn, func(rec []byte) error { _, err := bw.Write(rec); return err }); err != nil {
			return err
		}
		return bw.Flush()
	})
}

// BackupSize is the length in bytes of the records a backup would hold now.
func (s *Store) BackupSize(ctx context.Context) (int64, error) {
	var n int64
	err := s.view(ctx, func(txn *badger.Txn) error {
		h, err := backupHeader(txn)
		n = h.Bytes
		return err
	})
	return n, err
}

func backupHeader(txn *badger.Txn) (BackupHeader, error) {
	h := BackupHeader{Format: BackupFormat, Version: BackupVersion, Schema: schemaVersion}
	sum := sha256.New()
	err := eachRecord(txn, func(rec []byte) error {
		h.Records++
		h.Bytes += int64(len(rec))
		sum.Write(rec)
		return nil
	})
	if err != nil {
		return h, err
	}
	h.DataVersion = txn.ReadTs() // the version the backup is taken at
	h.SHA256 = hex.EncodeToString(sum.Sum(nil))
	return h, err
}

// eachRecord calls fn with every version of every key and value the
// transaction sees, encoded as a backup record (fn must not keep it).
func eachRecord(txn *badger.Txn, fn func(rec []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{AllVersions: true})
	defer it.Close()
	var rec []byte
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		rec = binary.AppendUvarint(rec[:0], uint64(len(item.Key())))
		rec = append(rec, item.Key()...)
		rec = binary.AppendUvarint(rec, item.Version())
		if item.IsDeletedOrExpired() {
			rec = append(rec, 1, 0) // deleted, no value
			if err := fn(rec); err != nil {
				return err
			}
			continue
		}
		rec = append(rec, 0)
		err := item.Value(func(v []byte) error {
			rec = binary.AppendUvarint(rec, uint64(len(v)))
			rec = append(rec, v...)
			return nil
		})
		if err != nil {
			return err
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	return nil
}

// badBackup is the error of a file that is not a sound backup.
func badBackup(format string, args ...any) error {
	return domain.Errorf(domain.EBADINPUT, "not a usable backup: "+format, args...)
}

// readHeader reads and checks a backup's first line.
func readHeader(r *bufio.Reader) (BackupHeader, error) {
	var h BackupHeader
	line, err := r.ReadSlice('\n')
	switch {
	case len(line) == 0 && err == io.EOF:
		return h, badBackup("the file is empty")
	case errors.Is(err, bufio.ErrBufferFull) || (err == nil && len(line) > maxHeader):
		return h, badBackup("it does not start with a backup header (a cccs-graph backup starts with a line of JSON)")
	case err == io.EOF:
		return h, badBackup("it does not start with a backup header (no header line)")
	case err != nil:
		return h, err
	}
	if json.Unmarshal(line, &h) != nil || h.Format != BackupFormat {
		return h, badBackup("it does not start with a backup header (%q expected)", BackupFormat)
	}
	switch {
	case h.Version != BackupVersion:
		return h, badBackup("it is in version %d of the backup format; this server reads version %d", h.Version, BackupVersion)
	case h.Schema != schemaVersion:
		return h, badBackup("it holds a store of schema version %d; this server reads version %d: restore it with the server that wrote it, export and import", h.Schema, schemaVersion)
	case h.Records < 0 || h.Bytes < 0 || len(h.SHA256) != 2*sha256.Size:
		return h, badBackup("its header is damaged")
	}
	return h, nil
}

// readRecords reads the records that follow a header, checking their count,
// length and checksum against it and that nothing follows; fn (if not nil)
// gets each record, whose key and value it may keep. An error of fn stops
// the read.
func readRecords(r *bufio.Reader, h BackupHeader, fn func(rec backupRecord) error) error {
	sum := sha256.New()
	body := io.TeeReader(io.LimitReader(r, h.Bytes), sum)
	br := bufio.NewReaderSize(body, 1<<16)
	var records int64
	for {
		k, err := readPart(br, maxBackupKey)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		rec := backupRecord{key: k}
		if rec.version, err = binary.ReadUvarint(br); err != nil || rec.version == 0 || rec.version > h.DataVersion {
			return badBackup("it is cut short or damaged (a record's version is unreadable)")
		}
		flag, err := br.ReadByte()
		if err != nil || flag > 1 {
			return badBackup("it is cut short or damaged (a record's flag is unreadable)")
		}
		rec.deleted = flag == 1
		v, err := readPart(br, maxBackupValue)
		if err == io.EOF {
			err = badBackup("it is cut short (a record lacks its value)")
		}
		if err != nil {
			return err
		}
		records++
		if records > h.Records {
			return badBackup("it holds more records than its header says (%d)", h.Records)
		}
		rec.value = v
		if fn != nil {
			if err := fn(rec); err != nil {
				return err
			}
		}
	}
	if n, _ := r.Read(make([]byte, 1)); n > 0 {
		return badBackup("data follows the %d bytes its header announces", h.Bytes)
	}
	if got := hex.EncodeToString(sum.Sum(nil)); records != h.Records || got != h.SHA256 {
		if records < h.Records {
			return badBackup("it is cut short: %d of %d records", records, h.Records)
		}
		return badBackup("its checksum does not match: the file is damaged")
	}
	return nil
}

// backupRecord is one version of one key.
type backupRecord struct {
	key, value []byte
	version    uint64
	deleted    bool
}

// readPart reads one length-prefixed part of a record, at most max bytes.
// Returns io.EOF only at a clean end, before a part.
func readPart(r *bufio.Reader, max uint64) ([]byte, error) {
	n, err := binary.ReadUvarint(r)
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		return nil, badBackup("it is cut short or damaged (a record's length is unreadable)")
	}
	if n > max {
		return nil, badBackup("its checksum does not match: the file is damaged (a record of %d bytes)", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, badBackup("it is cut short (a record ends early)")
	}
	return b, nil
}

// CheckBackup reads a whole backup and checks it: header, records, their
// count and checksum. Returns EBADINPUT with what is wrong.
func CheckBackup(r io.Reader) (BackupHeader, error) {
	br := bufio.NewReaderSize(r, maxHeader+1)
	h, err := readHeader(br)
	if err != nil {
		return h, err
	}
	return h, readRecords(br, h, nil)
}

// Restore loads a backup into this store, which must be empty: the whole
// file is checked first, then loaded (and checked again as it is read).
// Returns EBADINPUT for a file that is not a sound backup, ECONFLICT when
// the store already holds data (restoring over it would mix two graphs).
func (s *Store) Restore(ctx context.Context, r io.ReadSeeker) error {
	if _, err := CheckBackup(r); err != nil {
		return err
	}
	empty, err := s.Empty(ctx)
	if err != nil {
		return err
	}
	if !empty {
		return domain.Errorf(domain.ECONFLICT, "the data directory is not empty: restore into a new one")
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return err
	}
	br := bufio.NewReaderSize(r, maxHeader+1)
	h, err := readHeader(br)
	if err != nil {
		return err
	}
	// Each version of each key is written at its own version: the restored
	// store has the history, and its published version is the backup's.
	wb := s.db.NewManagedWriteBatch()
	defer wb.Cancel()
	ordered := false // whether the backup has ordered indexes
	if err := readRecords(br, h, func(rec backupRecord) error {
		ordered = ordered || bytes.Equal(rec.key, orderVersionKey)
		if rec.deleted {
			return wb.DeleteAt(rec.key, rec.version)
		}
		return wb.SetEntryAt(badger.NewEntry(rec.key, rec.value), rec.version)
	}); err != nil {
		return err
	}
	if err := wb.Flush(); err != nil {
		return err
	}
	if err := s.recover(); err != nil {
		return err
	}
	// Index again: the spatial index lives in memory, and the search and
	// ordered indexes are built if the backup was written without them or
	// with other rules.
	if err := s.ensureSearchIndex(ctx); err != nil {
		return err
	}
	if err := s.ensureOrderIndex(ctx, !ordered); err != nil {
		return err
	}
	return s.rebuildGeoIndex(context.WithoutCancel(ctx))
}

// RestoreDir restores the backup in file as the data directory dir, which
// must not exist or be empty. The file is checked whole first; the store is
// built in a fresh directory beside dir and moved into place only when
// complete, so a failure leaves nothing behind.
func RestoreDir(ctx context.Context, file, dir string, log *slog.Logger) (BackupHeader, error) {
	f, err := os.Open(file)
	if err != nil {
		return BackupHeader{}, err
	}
	defer f.Close()
	h, err := CheckBackup(f)
	if err != nil {
		return h, err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return h, domain.Errorf(domain.ECONFLICT, "the data directory %s is not empty: restore into a new one", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return h, err
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return h, err
	}
	if err := CheckFree(parent, writeNeed(h.Bytes)); err != nil {
		return h, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".restore-")
	if err != nil {
		return h, err
	}
	defer os.RemoveAll(tmp) // a no-op once moved into place
	s, err := Open(tmp, log)
	if err != nil {
		return h, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		s.Close()
		return h, err
	}
	if err := s.Restore(ctx, f); err != nil {
		s.Close()
		return h, err
	}
	if err := s.Close(); err != nil {
		return h, err
	}
	os.Remove(dir) // empty, or absent
	return h, os.Rename(tmp, dir)
}

// String describes a header for a person: what a backup holds.
func (h BackupHeader) String() string {
	return fmt.Sprintf("%d records (%s), data version %d", h.Records, byteSize(uint64(h.Bytes)), h.DataVersion)
}
