package store

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
)

// backupOf writes a backup of a store holding small.yaml.
func backupOf(t *testing.T) []byte {
	t.Helper()
	s := openTest(t)
	importFile(t, s, "small.yaml")
	var b bytes.Buffer
	if err := s.Backup(ctx, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestBackupRoundTrip(t *testing.T) {
	src := openTest(t)
	importFile(t, src, "small.yaml")
	want, err := src.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := src.Backup(ctx, &b); err != nil {
		t.Fatal(err)
	}
	var h BackupHeader
	json.Unmarshal(b.Bytes()[:bytes.IndexByte(b.Bytes(), '\n')], &h)
	if h.Format != BackupFormat || h.Version != BackupVersion || h.Records == 0 || h.DataVersion == 0 {
		t.Errorf("header %+v", h)
	}
	file := filepath.Join(t.TempDir(), "backup")
	os.WriteFile(file, b.Bytes(), 0o644)
	dir := filepath.Join(t.TempDir(), "data")
	if _, err := RestoreDir(ctx, file, dir, nil); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("the restored store exports another dataset")
	}
	if v, _ := s.DataVersion(ctx); v != h.DataVersion {
		t.Errorf("data version %d, the header says %d", v, h.DataVersion)
	}
}

// TestBadBackupsAreRefused: truncated, bit-flipped, empty, foreign and
// other-version files are refused with a message, and nothing is written:
// no data directory, nothing left beside it.
func TestBadBackupsAreRefused(t *testing.T) {
	good := backupOf(t)
	header := bytes.IndexByte(good, '\n') + 1
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x01
		return b
	}
	withHeader := func(edit func(*BackupHeader)) []byte {
		var h BackupHeader
		json.Unmarshal(good[:header], &h)
		edit(&h)
		line, _ := json.Marshal(h)
		return append(append(line, '\n'), good[header:]...)
	}
	cases := map[string]struct {
		file []byte
		want string
	}{
		"empty":                  {nil, "empty"},
		"cut in the header":      {good[:header/2], "header"},
		"cut after the header":   {good[:header], "cut short"},
		"cut after one record":   {good[:header+40], "cut short"},
		"cut in half":            {good[:header+(len(good)-header)/2], "cut short"},
		"one byte short":         {good[:len(good)-1], "cut short"},
		"flipped in the records": {flip(header + (len(good)-header)/2), "damaged"},
		"flipped at the end":     {flip(len(good) - 1), "damaged"},
		"flipped in the header":  {flip(5), "header"},
		"data after the end":     {append(bytes.Clone(good), 'x'), "follows"},
		"foreign binary":         {bytes.Repeat([]byte{0x8f, 0x00, 0xff, 0x10}, 5000), "header"},
		"foreign JSON":           {[]byte(`{"type":"FeatureCollection","features":[]}` + "\n"), "header"},
		"a long first line":      {bytes.Repeat([]byte("x"), 100000), "header"},
		"another format version": {withHeader(func(h *BackupHeader) { h.Version = 2 }), "version 2 of the backup format"},
		"another schema":         {withHeader(func(h *BackupHeader) { h.Schema = 9 }), "schema version 9"},
		"more records than said": {withHeader(func(h *BackupHeader) { h.Records = 3 }), "more records"},
		"huge record length":     {append(bytes.Clone(good[:header]), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), "damaged"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			file := filepath.Join(t.TempDir(), "backup")
			os.WriteFile(file, c.file, 0o644)
			_, err := RestoreDir(ctx, file, filepath.Join(parent, "data"), nil)
			if err == nil || domain.ErrorCode(err) != domain.EBADINPUT || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v, want BAD_USER_INPUT with %q", err, c.want)
			}
			if entries, _ := os.ReadDir(parent); len(entries) != 0 {
				t.Errorf("left behind: %v", entries)
			}
		})
	}
}

// TestRestoreRefusesAFullDirectory: a directory that holds anything is left
// as it is.
func TestRestoreRefusesAFullDirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "backup")
	os.WriteFile(file, backupOf(t), 0o644)
	parent := t.TempDir()
	dir := filepath.Join(parent, "data")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "keep"), []byte("mine"), 0o644)
	if _, err := RestoreDir(ctx, file, dir, nil); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Fatalf("error = %v, want CONFLICT", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory now holds %v", entries)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("left beside it: %v", entries)
	}
}

func TestCheckFree(t *testing.T) {
	if err := CheckFree(t.TempDir(), 1); err != nil {
		t.Errorf("1 byte: %v", err)
	}
	err := CheckFree(t.TempDir(), 1<<62)
	if err == nil || !strings.Contains(err.Error(), "free some space") {
		t.Errorf("4 EB: %v", err)
	}
}
