package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"

	"github.com/cccs13/cccs-graph/auth"
	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/edge"
	"github.com/cccs13/cccs-graph/export"
	"github.com/cccs13/cccs-graph/store"
)

// Data work over HTTP, for the command line while a server holds the data
// directory: imports (dataset files, GeoJSON layers, with dry runs),
// exports and backups. Role admin.

// maxImportBytes bounds what one import request sends (all its files).
const maxImportBytes = 512 << 20

// maxImportFiles bounds the files of one dataset import.
const maxImportFiles = 100

// ImportAnswer is what POST /admin/import answers.
type ImportAnswer struct {
	Files  int                `json:"files"`
	Result store.ImportResult `json:"result"`
}

func adminDataRoutes(admin func(string, http.HandlerFunc), s *store.Store, log *slog.Logger) {
	admin("POST /admin/import", func(w http.ResponseWriter, r *http.Request) {
		q, err := adminParams(r, "dryRun", "replace", "reason", "name")
		var files []store.File
		if err == nil {
			files, err = uploadedFiles(w, r)
		}
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		res, err := s.ImportWith(r.Context(), store.ImportOptions{Actor: auth.From(r.Context()).Name, Reason: q.Get("reason"),
			DryRun: flagParam(q.Get("dryRun")), Replace: flagParam(q.Get("replace"))}, files...)
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeJSON(w, http.StatusOK, ImportAnswer{Files: len(files), Result: res})
	})
	admin("POST /admin/import/layer", func(w http.ResponseWriter, r *http.Request) {
		q, err := adminParams(r, "layer", "source", "dryRun", "name")
		var files []store.File
		if err == nil {
			files, err = uploadedFiles(w, r)
		}
		if err == nil && len(files) != 1 {
			err = domain.Errorf(domain.EBADINPUT, "a layer import takes one GeoJSON file, not %d", len(files))
		}
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		actor, dry := auth.From(r.Context()).Name, flagParam(q.Get("dryRun"))
		var res any
		if q.Get("layer") == facilityLayer { // a spreadsheet of facilities
			res, err = s.ImportFacilities(r.Context(), store.FacilitySheet{File: files[0], Source: q.Get("source"), DryRun: dry, Actor: actor})
		} else {
			res, err = s.ImportLayer(r.Context(), store.Layer{Kind: q.Get("layer"), Source: q.Get("source"), File: files[0], Actor: actor, DryRun: dry})
		}
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		writeJSON(w, http.StatusOK, res)
	})
	admin("GET /admin/export", func(w http.ResponseWriter, r *http.Request) {
		req, err := exportRequest(r)
		var buf bytes.Buffer // whole first, so that a failure is still an error status
		if err == nil {
			err = req.Validate()
		}
		if err == nil {
			err = export.Write(r.Context(), &buf, s, req)
		}
		if err != nil {
			writeError(w, r, log, err)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(buf.Bytes())
	})
	admin("GET /admin/backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="cccs-graph.backup"`)
		// Streamed: a failure midway cuts the answer, which the client sees
		// as a short body (the command line then fails).
		if err := s.Backup(r.Context(), w); err != nil {
			log.ErrorContext(r.Context(), "backup failed", "error", err)
			panic(http.ErrAbortHandler)
		}
	})
}

// exportRequest reads the parameters of GET /admin/export: format (yaml
// by default), collection, asOf and kinds, as the export command takes
// them. Returns EBADINPUT.
func exportRequest(r *http.Request) (export.Request, error) {
	q, err := adminParams(r, "format", "collection", "asOf", "kinds")
	if err != nil {
		return export.Request{}, err
	}
	req := export.Request{Format: cmp.Or(q.Get("format"), export.FormatYAML), Collection: q.Get("collection")}
	if asOf := q.Get("asOf"); asOf != "" {
		if req.AsOf, err = export.ParseAsOf(asOf); err != nil {
			return req, err
		}
	}
	if kinds := q.Get("kinds"); kinds != "" {
		if req.Kinds, err = export.ParseKinds(kinds); err != nil {
			return req, err
		}
	}
	return req, nil
}

// adminParams is the query of an admin request, refused (EBADINPUT) when it
// holds a parameter other than names, one given twice, or a dryRun or
// replace that is not a boolean: a misspelt ?dryrun=true, or ?dryRun=yes, would otherwise import
// for real.
func adminParams(r *http.Request, names ...string) (url.Values, error) {
	q := r.URL.Query()
	if err := edge.Params(q, "this endpoint", names...); err != nil {
		return nil, err
	}
	for _, k := range []string{"dryRun", "replace"} {
		if v := q.Get(k); v != "" {
			if _, err := strconv.ParseBool(v); err != nil {
				return nil, domain.Errorf(domain.EBADINPUT, "%s=%.64q: give true or false", k, v)
			}
		}
	}
	return q, nil
}

func flagParam(v string) bool { b, _ := strconv.ParseBool(v); return b }

// uploadedFiles reads the files of an import: the parts of a
// multipart/form-data body, or the body itself named by ?name=.
func uploadedFiles(w http.ResponseWriter, r *http.Request) ([]store.File, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxImportBytes)
	media, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if media != "multipart/form-data" {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, bodyError(err)
		}
		name := filepath.Base(r.URL.Query().Get("name"))
		if name == "." || name == "/" {
			name = "upload"
		}
		return []store.File{{Name: name, Data: b}}, nil
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	var files []store.File
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, bodyError(err)
		}
		if len(files) == maxImportFiles {
			return nil, domain.Errorf(domain.EBADINPUT, "at most %d files in one import", maxImportFiles)
		}
		b, err := io.ReadAll(part)
		if err != nil {
			return nil, bodyError(err)
		}
		files = append(files, store.File{Name: filepath.Base(part.FileName()), Data: b})
	}
	if len(files) == 0 {
		return nil, domain.Errorf(domain.EBADINPUT, "send the files to import as multipart/form-data parts")
	}
	return files, nil
}

func bodyError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return fmt.Errorf("%w: at most %d bytes", errPayloadTooLarge, maxImportBytes)
	}
	return domain.Errorf(domain.EBADINPUT, "the request body could not be read")
}
