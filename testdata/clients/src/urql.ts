// An urql client for the API: Graphcache keys every node and relation by its
// id (ids are unique across the whole graph), keeps connections embedded in
// their parent, and merges Relay pages; GET within the URL limit, and
// persisted queries by hash, so HTTP caches can keep the answers.
import { Client, fetchExchange } from "@urql/core";
import { cacheExchange } from "@urql/exchange-graphcache";
import { relayPagination } from "@urql/exchange-graphcache/extras";
import { persistedExchange } from "@urql/exchange-persisted";

// Objects without an id of their own: part of the object that holds them.
const embedded = () => null;

// The hash codegen embeds in each document (persistedDocuments), which a
// server in trusted-documents mode knows.
export function embeddedHash(document: unknown): string {
  const hash = (document as { __meta__?: { hash?: string } }).__meta__?.hash;
  if (!hash) throw new Error("document without an embedded hash: run codegen with persistedDocuments");
  return hash;
}

// trusted: the server runs registered documents only (-trusted-documents):
// send their hashes, never their text. Otherwise, automatic persisted
// queries: the hash of the text, and the text once when the server asks.
export function createUrqlClient(url: string, trusted = false): Client {
  return new Client({
    url,
    preferGetMethod: "within-url-limit",
    exchanges: [
      cacheExchange({
        globalIDs: true,
        keys: {
          PageInfo: embedded,
          Citation: embedded,
          Point: embedded,
          OrganizationConnection: embedded,
          OrganizationEdge: embedded,
          TerritoryConnection: embedded,
          RelationConnection: embedded,
          RelationEdge: embedded,
        },
        resolvers: {
          Query: { organizations: relayPagination(), territories: relayPagination(), signatories: relayPagination() },
        },
      }),
      persistedExchange(
        trusted
          ? { preferGetForPersistedQueries: true, enforcePersistedQueries: true, generateHash: async (_, doc) => embeddedHash(doc) }
          : { preferGetForPersistedQueries: true },
      ),
      fetchExchange,
    ],
  });
}
