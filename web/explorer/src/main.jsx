// The explorer at /: GraphiQL on this server's endpoint, with its docs
// (types, fields, arguments, input types; search), history, completion and
// validation from the schema, and variables and headers editors. The query
// in the page's URL (?query=, ?variables=, ?operationName=) is the one shown,
// and the URL follows the editor, so a query can be shared as a link.
import React from "react";
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import "graphiql/graphiql.css";

const DEFAULT_QUERY = `# Signatories of the Convention Cadre in mid-2019 (after Avenant n°1): all 23.
# Ctrl+Enter runs the query, Ctrl+Space completes, the book icon opens the docs.
{
  signatories(asOf: "2019-06-30", first: 50) {
    totalCount
    nodes { id name shortName category }
  }
}
`;

const root = document.getElementById("explorer");
const params = new URLSearchParams(location.search);
const fetcher = createGraphiQLFetcher({ url: new URL(root.dataset.endpoint, location.href).href });

function follow(name) {
  return (value) => {
    const p = new URLSearchParams(location.search);
    if (value) p.set(name, value); else p.delete(name);
    history.replaceState(null, "", "?" + p.toString());
  };
}

createRoot(root).render(
  <GraphiQL
    fetcher={fetcher}
    defaultQuery={DEFAULT_QUERY}
    query={params.get("query") ?? undefined}
    variables={params.get("variables") ?? undefined}
    operationName={params.get("operationName") ?? undefined}
    onEditQuery={follow("query")}
    onEditVariables={follow("variables")}
    defaultEditorToolsVisibility={params.has("variables") ? "variables" : false}
    isHeadersEditorEnabled
    shouldPersistHeaders={false}
    inputValueDeprecation
  />,
);
