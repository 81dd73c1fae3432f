package graph

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// htmlEscape writes what json.HTMLEscape writes, on texts dense in the bytes
// it rewrites and in their look-alikes (0xE2 starting other characters, a
// U+2028 cut at the end).
func TestHTMLEscapeIsJSONHTMLEscape(t *testing.T) {
	alphabet := [][]byte{[]byte("<"), []byte(">"), []byte("&"), []byte("\u2028"), []byte("\u2029"), []byte("’"),
		[]byte("–"), {0xE2}, {0xE2, 0x80}, {0x80, 0xA8}, []byte("é"), []byte("a"), []byte(`"`), []byte(`\u003c`)}
	rng := rand.New(rand.NewPCG(1, 2))
	check := func(src []byte) {
		t.Helper()
		var want bytes.Buffer
		json.HTMLEscape(&want, src)
		if got := htmlEscape(src); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("htmlEscape(%q) = %q, want %q", src, got, want.Bytes())
		}
	}
	check(nil)
	for range 5000 {
		var src []byte
		for range rng.IntN(40) {
			src = append(src, alphabet[rng.IntN(len(alphabet))]...)
		}
		check(src)
	}
	plain := []byte(`{"node":{"id":"caf-13","name":"CAF des Bouches-du-Rhône – l’accueil"}}`)
	if got := htmlEscape(plain); &got[0] != &plain[0] {
		t.Error("an answer with nothing to escape was copied")
	}
}

func FuzzHTMLEscape(f *testing.F) {
	f.Add([]byte("<b>A & B</b> \u2028\u2029 é ’"))
	f.Fuzz(func(t *testing.T, src []byte) {
		var want bytes.Buffer
		json.HTMLEscape(&want, src)
		if got := htmlEscape(src); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("htmlEscape(%q) = %q, want %q", src, got, want.Bytes())
		}
	})
}
