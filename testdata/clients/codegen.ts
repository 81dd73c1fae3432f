// GraphQL Code Generator: typed operations for a front-end, from the running
// server's schema. CCCS_GRAPHQL names the endpoint (default: a local server).
import type { CodegenConfig } from "@graphql-codegen/cli";
import { addTypenameSelectionDocumentTransform } from "@graphql-codegen/client-preset";

const config: CodegenConfig = {
  schema: process.env.CCCS_GRAPHQL ?? "http://localhost:8080/graphql",
  documents: ["src/**/*.ts", "!src/gql/**"],
  generates: {
    "src/gql/": {
      preset: "client",
      // Normalising caches need __typename; a registered document must hold it.
      documentTransforms: [addTypenameSelectionDocumentTransform],
      presetConfig: {
        fragmentMasking: false,
        // Writes src/gql/persisted-documents.json: the list a server in
        // trusted-documents mode runs (-trusted-documents FILE).
        persistedDocuments: { hashAlgorithm: "sha256", mode: "embedHashInDocument" },
      },
      config: {
        strictScalars: true,
        scalars: {
          // "1994-07-25", "2019-06", "2006" or "198X": keep it a string.
          Date: "string",
          GeoJSON: "import('geojson').Geometry",
        },
        enumsAsTypes: true,
        useTypeImports: true,
      },
    },
    // For Apollo's InMemoryCache: which types implement Node.
    "src/gql/possible-types.ts": { plugins: ["fragment-matcher"], config: { useExplicitTyping: true } },
  },
};

export default config;
