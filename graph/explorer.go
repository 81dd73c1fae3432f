package graph

import (
	_ "embed"
	"net/http"
	"strconv"
	"strings"
)

//go:embed explorer.html
var explorerPage string

// Explorer serves the query explorer page, self-contained so that it works
// on a machine with no internet: query and variables, results, schema docs.
func Explorer(endpoint string) http.Handler {
	page := strings.Replace(explorerPage, `"{{ENDPOINT}}"`, strconv.Quote(endpoint), 1)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page))
	})
}
