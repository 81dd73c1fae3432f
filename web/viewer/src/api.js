// The viewer reads only the public API: GraphQL at graphql and the GeoJSON
// layers under geo/, both relative to the page, so that it also works behind
// a proxy that serves the server under a path prefix.

const endpoint = () => new URL("graphql", document.baseURI).href;

// A request that takes longer than this is abandoned with an error.
const timeoutMs = 20000;

// gql posts a query and returns its data; a GraphQL error becomes an Error
// carrying the first error's code (extensions.code).
export async function gql(query, variables = {}) {
  const resp = await fetch(endpoint(), {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  let body;
  try {
    body = await resp.json();
  } catch {
    throw new Error(`the API answered HTTP ${resp.status} without JSON`);
  }
  if (body.errors?.length) {
    const err = new Error(body.errors[0].message);
    err.code = body.errors[0].extensions?.code;
    throw err;
  }
  return body.data;
}

// capabilities says which optional fields the server's schema has, so the
// viewer uses Relation.id and Source.url where they exist. With introspection
// switched off, it falls back to the fields every version has.
export async function capabilities() {
  try {
    const data = await gql(`{ relation: __type(name: "Relation") { fields { name } } source: __type(name: "Source") { fields { name } } }`);
    const has = (t, f) => Boolean(data[t]?.fields?.some((x) => x.name === f));
    return { relationId: has("relation", "id"), sourceURL: has("source", "url") };
  } catch {
    return { relationId: false, sourceURL: false };
  }
}

const nodeFields = `id kind name ... on Organization { shortName }`;

// The neighbourhood asks for the least each relation needs to be drawn: the
// server prices a subgraph as 1000 relations, under a complexity limit.
// Details (note, role, sources) are read when a relation is selected.
function drawnRelationFields(caps) {
  return `${caps.relationId ? "id" : ""} kind from { id } to { id } validFrom validTo onBehalfOf { id }`;
}

const citationFields = (caps) => `sources { excerpt source { id name file ${caps.sourceURL ? "url" : ""} } }`;

// neighborhood returns the subgraph around id at asOf (a Date, or null for
// any time), with each relation's id set.
export async function neighborhood(caps, id, depth, asOf) {
  const data = await gql(
    `query Neighborhood($id: ID!, $depth: Int, $asOf: Date) {
      neighborhood(id: $id, depth: $depth, asOf: $asOf) {
        nodes { ${nodeFields} } depths truncated
        relations { ${drawnRelationFields(caps)} }
      }
    }`,
    { id, depth, asOf },
  );
  const n = data.neighborhood;
  for (const r of n.relations) r.id ??= relationID(r);
  return n;
}

// relation returns a drawn relation with its details, read from the
// relations of its start node (the API has no lookup by relation id).
export async function relation(caps, r) {
  let after = null;
  for (let page = 0; page < 10; page++) {
    const data = await gql(
      `query ViewerRelation($from: ID!, $kinds: [RelationKind!], $after: String) {
        node(id: $from) {
          relations(direction: OUT, kinds: $kinds, first: 100, after: $after) {
            pageInfo { hasNextPage endCursor }
            nodes { ${drawnRelationFields(caps)} role note onBehalfOf { name } ${citationFields(caps)} }
          }
        }
      }`,
      { from: r.from.id, kinds: [r.kind], after },
    );
    const rels = data.node?.relations;
    const found = rels?.nodes.find((x) => (x.id ?? relationID(x)) === r.id);
    if (found) return { ...found, id: r.id };
    if (!rels?.pageInfo.hasNextPage) break;
    after = rels.pageInfo.endCursor;
  }
  throw new Error(`relation ${r.id} is no longer in the graph`);
}

// relationID is the id the exports give a relation (store.RelationID):
// from>kind>to, then @validFrom when it has one, then /onBehalfOf.
export function relationID(r) {
  let id = `${r.from.id}>${r.kind.toLowerCase().replaceAll("_", "-")}>${r.to.id}`;
  if (r.validFrom) id += `@${r.validFrom}`;
  if (r.onBehalfOf) id += `/${r.onBehalfOf.id}`;
  return id;
}

// node returns one node with its sources and the fields a reader wants first.
export async function node(caps, id) {
  const data = await gql(
    `query ViewerNode($id: ID!) {
      node(id: $id) {
        ${nodeFields}
        ${citationFields(caps)}
        ... on Organization { category description website territory { id } }
        ... on Territory { type code description }
        ... on Facility { description } ... on FacilityType { description } ... on Body { description }
        ... on Programme { description } ... on Orientation { description } ... on Theme { description }
        ... on Event { description } ... on Person { description } ... on Source { description }
        ... on Agreement { summary } ... on Amendment { summary } ... on Article { title summary }
      }
    }`,
    { id },
  );
  return data.node;
}

// search returns the best matches of a query.
export async function search(query) {
  const data = await gql(
    `query ViewerSearch($q: String!) { search(query: $q, first: 10) { edges { matched node { ${nodeFields} } } } }`,
    { q: query },
  );
  return data.search.edges;
}

// signatoriesByYear returns the series of the chart, from 1994 to this year.
export async function signatoriesByYear(from) {
  const data = await gql(`query SignatoriesByYear($from: Int) { stats { signatoriesByYear(from: $from) { year count atYearEnd } } }`, { from });
  return data.stats.signatoriesByYear;
}

// partners returns the signatories in force at asOf with the territory each
// administers (communes, the département), for the map.
export async function partners(asOf) {
  const data = await gql(
    `query ViewerPartners($asOf: Date) {
      signatories(asOf: $asOf, first: 200) { nodes { id name shortName category territory { id code type name } } }
    }`,
    { asOf },
  );
  return data.signatories.nodes;
}

// geojson fetches a layer from geo/; a layer the server does not serve (404)
// is empty, so the viewer works with servers that lack it.
export async function geojson(name, params = "") {
  const resp = await fetch(new URL(`geo/${name}.geojson${params}`, document.baseURI), {
    headers: { Accept: "application/geo+json" },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (resp.status === 404) return { type: "FeatureCollection", features: [], missing: true };
  if (!resp.ok) throw new Error(`geo/${name}.geojson: HTTP ${resp.status}`);
  return resp.json();
}
