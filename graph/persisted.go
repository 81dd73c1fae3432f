package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/cccs13/cccs-graph/domain"
)

// Persisted operations, keyed by the SHA-256 of the document's text (hex):
// automatic persisted queries (the Apollo APQ protocol: a client sends the
// hash alone, and the document with it the first time it is unknown), so
// that a GET URL stays short and an HTTP cache can key on it; and trusted
// documents, where only the operations of a list registered at start run.

// Codes of the APQ protocol, which clients look for to send the document.
const (
	codePersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"
	apqCacheBytes              = 4 << 20 // documents kept for APQ, in all
	apqCacheEntries            = 4096
)

// apqCache keeps the documents APQ clients registered, bounded in bytes and
// entries, texts of at most maxCachedQuery bytes; the least recently used go
// first.
type apqCache struct{ docs *byteLRU[string, string] }

var _ graphql.Cache[string] = (*apqCache)(nil)

func newAPQCache() *apqCache {
	return &apqCache{newByteLRU(apqCacheBytes, apqCacheEntries, func(hash, doc string) int { return len(hash) + len(doc) })}
}

func (c *apqCache) Get(_ context.Context, hash string) (string, bool) { return c.docs.get(hash) }

// Add keeps doc unless it is a huge text (as the parsed-document cache):
// gqlgen registers a document before parsing it, and one refused for its
// size would otherwise be parsed again for every request of its short hash,
// and a few of them would push every other client's documents out.
func (c *apqCache) Add(_ context.Context, hash, doc string) {
	if len(doc) <= maxCachedQuery {
		c.docs.add(hash, doc)
	}
}

// persistedQueries returns the extension that runs persisted operations:
// APQ when trusted is nil, else only the trusted documents.
func persistedQueries(trusted TrustedDocuments) graphql.HandlerExtension {
	if trusted == nil {
		return extension.AutomaticPersistedQuery{Cache: newAPQCache()}
	}
	return trustedOnly{trusted}
}

// TrustedDocuments are the operations a server in trusted-documents mode
// runs, by the SHA-256 of their text (lower-case hex).
type TrustedDocuments map[string]string

// ParseTrustedDocuments reads a list of documents: either the map of hash
// to document that GraphQL Code Generator's client preset writes
// (persistedDocuments with hashAlgorithm sha256), or Apollo's persisted query manifest
// ({"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}]}).
// Every hash is checked against its document.
func ParseTrustedDocuments(data []byte) (TrustedDocuments, error) {
	var manifest struct {
		Format     string `json:"format"`
		Operations []struct {
			ID   string `json:"id"`
			Body string `json:"body"`
		} `json:"operations"`
	}
	docs := TrustedDocuments{}
	if err := json.Unmarshal(data, &manifest); err == nil && manifest.Format == "apollo-persisted-query-manifest" {
		for _, op := range manifest.Operations {
			docs[op.ID] = op.Body
		}
	} else if err := json.Unmarshal(data, &docs); err != nil {
		return nil, fmt.Errorf("trusted documents: neither a map of hash to document nor an Apollo persisted query manifest")
	}
	checked := make(TrustedDocuments, len(docs))
	for key, doc := range docs {
		hash := strings.TrimPrefix(key, "sha256:") // codegen writes document ids as sha256:HEX
		if documentHash(doc) != hash {
			return nil, fmt.Errorf("trusted documents: %.16s... is not the SHA-256 of its document", key)
		}
		checked[hash] = doc
	}
	return checked, nil
}

func documentHash(doc string) string {
	sum := sha256.Sum256([]byte(doc))
	return hex.EncodeToString(sum[:])
}

// trustedOnly runs registered documents only: a request gives the hash (as
// APQ clients do, extensions.persistedQuery.sha256Hash) or the text of one
// of them; anything else is refused before it is parsed.
type trustedOnly struct{ docs TrustedDocuments }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = trustedOnly{}

func (trustedOnly) ExtensionName() string                   { return "TrustedDocuments" }
func (trustedOnly) Validate(graphql.ExecutableSchema) error { return nil }

func (t trustedOnly) MutateOperationParameters(_ context.Context, params *graphql.RawParams) *gqlerror.Error {
	if params.Query != "" {
		if _, ok := t.docs[documentHash(params.Query)]; ok {
			return nil
		}
		return &gqlerror.Error{Message: "this server runs registered operations only, and this document is not one of them",
			Extensions: map[string]any{"code": domain.EFORBIDDEN}}
	}
	ext, _ := params.Extensions["persistedQuery"].(map[string]any)
	hash, _ := ext["sha256Hash"].(string)
	if doc, ok := t.docs[strings.TrimPrefix(hash, "sha256:")]; ok {
		params.Query = doc
		return nil
	}
	return &gqlerror.Error{Message: "PersistedQueryNotFound: no registered operation has this hash",
		Extensions: map[string]any{"code": codePersistedQueryNotFound}}
}
