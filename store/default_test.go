package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cccs13/cccs-graph/domain"
)

// sharedDirBesideRepo finds ../shared beside the repository root (the directory of
// go.mod, looked for upwards from the working directory); "" when absent.
func sharedDirBesideRepo(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
	shared := filepath.Join(filepath.Dir(dir), "shared")
	if fi, err := os.Stat(shared); err != nil || !fi.IsDir() {
		return ""
	}
	return shared
}

// cited is one citation of the default dataset, with what carries it.
type cited struct {
	domain.Citation
	by string
}

// defaultCitations loads the default dataset and returns every citation of
// every node and relation, after checking that each of them has at least one.
func defaultCitations(t *testing.T) (*Store, []cited) {
	s := openTest(t)
	if _, err := s.LoadDefaultIfEmpty(ctx); err != nil {
		t.Fatal(err)
	}
	var all []cited
	add := func(by string, cs []domain.Citation) {
		if len(cs) == 0 {
			t.Errorf("%s has no source", by)
		}
		for _, c := range cs {
			all = append(all, cited{c, by})
		}
	}
	for _, k := range domain.Kinds {
		nodes, err := s.NodesOfKind(ctx, k.Kind)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range nodes {
			add("node "+n.ID, n.Sources)
		}
	}
	rels, err := s.AllRelations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rels {
		add(fmt.Sprintf("relation %s %s -> %s", r.Kind, r.From, r.To), r.Sources)
	}
	if len(all) < 1000 {
		t.Fatalf("only %d citations: the default dataset did not load", len(all))
	}
	return s, all
}

func TestEveryNodeAndRelationCitesASource(t *testing.T) {
	s, all := defaultCitations(t)
	for _, c := range all {
		n, err := s.Node(ctx, c.Source)
		if err != nil || n.Kind != "source" {
			t.Errorf("%s cites %q, which is not a source node (%v)", c.by, c.Source, err)
		}
		if strings.TrimSpace(c.Excerpt) == "" {
			t.Errorf("%s cites %s without an excerpt", c.by, c.Source)
		}
	}
}

// TestEveryExcerptIsVerbatim checks each excerpt against the text of the
// document it cites: the seeds in ../shared/seeds/, the geodata in
// ../shared/data/geo/, and the files of ../shared/data/ that hold the
// administrative data and the excerpts gathered from web pages.
func TestEveryExcerptIsVerbatim(t *testing.T) {
	shared := sharedDirBesideRepo(t)
	if shared == "" {
		t.Skip("../shared is absent: the excerpts cannot be checked")
	}
	s, all := defaultCitations(t)
	texts := map[string]string{}
	for _, c := range all {
		text, ok := texts[c.Source]
		if !ok {
			text = citedDocumentText(t, s, shared, c.Source)
			texts[c.Source] = text
		}
		if !strings.Contains(text, c.Excerpt) {
			t.Errorf("%s: excerpt %q is not in %s", c.by, c.Excerpt, c.Source)
		}
	}
	if len(texts) < 40 {
		t.Errorf("citations name %d documents, want the five seeds, the geodata, the communes and the web pages", len(texts))
	}
}

// citedDocumentText reads the file(s) of a source node from the shared
// directory: `file` is a file name of seeds/ or data/geo/, or a
// comma-separated list of paths under shared (data/network/facilities.csv).
func citedDocumentText(t *testing.T, s *Store, shared, id string) string {
	n, err := s.Node(ctx, id)
	if err != nil {
		t.Fatalf("source %s: %v", id, err)
	}
	var text strings.Builder
	for name := range strings.SplitSeq(n.Field("file"), ",") {
		text.WriteString(sharedFileText(t, shared, id, strings.TrimSpace(name)))
		text.WriteString("\n")
	}
	return text.String()
}

func sharedFileText(t *testing.T, shared, id, name string) string {
	for _, dir := range []string{"seeds", "data/geo", "."} {
		b, err := os.ReadFile(filepath.Join(shared, dir, name))
		if err == nil && strings.HasSuffix(name, ".csv") {
			// A CSV cell doubles its quotes: an excerpt quotes the cell's text.
			return string(b) + "\n" + strings.ReplaceAll(string(b), `""`, `"`)
		}
		if err == nil {
			return string(b)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	t.Fatalf("source %s: file %q is neither in %s/seeds nor in %s/data/geo nor a path under %s", id, name, shared, shared, shared)
	return ""
}
