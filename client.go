package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/cccs13/cccs-graph/domain"
	"github.com/cccs13/cccs-graph/store"
)

// remote says which running server a subcommand talks to instead of
// opening the data directory: the one that holds it.
type remote struct {
	Server string // base URL; "" opens the data directory
	Token  string // an admin token
}

// check refuses a -server without a token, or a URL that is not http(s).
func (r *remote) check() error {
	if r.Server == "" {
		return nil
	}
	u, err := url.Parse(r.Server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return domain.Errorf(domain.EBADINPUT, "-server: %q is not an http(s) URL", r.Server)
	}
	if r.Token == "" {
		return domain.Errorf(domain.EBADINPUT, "-server needs an admin token: -token or CCCS_TOKEN")
	}
	return nil
}

// heldHint turns "in use by another process" into advice to go through the server.
func heldHint(err error) error {
	if domain.ErrorCode(err) == domain.ECONFLICT && strings.Contains(err.Error(), "in use by another process") {
		return domain.Errorf(domain.ECONFLICT, "%s: a running server holds it; go through the server with -server URL and an admin token (-token or CCCS_TOKEN)", domain.ErrorMessage(err))
	}
	return err
}

var httpClient = &http.Client{Timeout: 10 * time.Minute}

// call sends a request to the server's admin endpoint and returns the
// response when it is 2xx; otherwise the server's coded error.
func (r *remote) call(method, path string, query url.Values, contentType string, body io.Reader) (*http.Response, error) {
	u := strings.TrimRight(r.Server, "/") + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+r.Token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 == 2 {
		return resp, nil
	}
	defer resp.Body.Close()
	var e struct {
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&e) != nil || len(e.Errors) == 0 {
		return nil, fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	return nil, domain.Errorf(e.Errors[0].Extensions.Code, "%s", e.Errors[0].Message)
}

// callJSON is call with a JSON answer decoded into out (when not nil).
func (r *remote) callJSON(method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = strings.NewReader(string(b))
	}
	resp, err := r.call(method, path, nil, "application/json", body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		return nil
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// remoteImport sends an import to the server: the files as multipart parts.
func remoteImport(rem *remote, o *importFlags, files []store.File, stdout io.Writer) error {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, f := range files {
		part, err := mw.CreateFormFile("file", filepath.Base(f.Name))
		if err != nil {
			return err
		}
		part.Write(f.Data)
	}
	if err := mw.Close(); err != nil {
		return err
	}
	q := url.Values{}
	if o.dryRun {
		q.Set("dryRun", "true")
	}
	path := "/admin/import"
	if o.layer != "" {
		path = "/admin/import/layer"
		q.Set("layer", o.layer)
		if o.source != "" {
			q.Set("source", o.source)
		}
	} else {
		if o.replace {
			q.Set("replace", "true")
		}
		if o.reason != "" {
			q.Set("reason", o.reason)
		}
	}
	resp, err := rem.call("POST", path, q, mw.FormDataContentType(), &body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	if o.layer == facilityLayer {
		var res store.FacilityResult
		if err := dec.Decode(&res); err != nil {
			return err
		}
		printFacilityResult(stdout, files[0].Name, o.dryRun, res)
		return nil
	}
	if o.layer != "" {
		var res store.LayerResult
		if err := dec.Decode(&res); err != nil {
			return err
		}
		printLayerResult(stdout, *o, files[0].Name, res)
		return nil
	}
	var ans ImportAnswer
	if err := dec.Decode(&ans); err != nil {
		return err
	}
	printImportResult(stdout, *o, ans.Files, ans.Result)
	return nil
}

// remoteDownload writes what a GET of path answers to the -o file or stdout.
func (r *remote) download(path string, q url.Values, out string, stdout io.Writer) error {
	resp, err := r.call("GET", path, q, "", nil)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return writeOutput(out, stdout, func(w io.Writer) error {
		_, err := io.Copy(w, resp.Body)
		return err
	})
}
