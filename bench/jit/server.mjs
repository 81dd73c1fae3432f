// The graphql-jit and graphql-js peers of bench/run: cccs-graph's own schema
// (graph/*.graphqls) over its JSON export held in plain objects, with
// resolvers for the fields the benchmark's shapes ask for. Loopback only.
//
//   node server.mjs EXPORT.json SCHEMA_DIR jit|js
//
// prints the address it listens on, then answers POST /graphql.
import { readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { buildSchema, parse, validate, execute } from "graphql";
import { compileQuery, isCompiledQuery } from "graphql-jit";

const [exportFile, schemaDir, mode = "jit"] = process.argv.slice(2);
const data = JSON.parse(readFileSync(exportFile, "utf8"));
const sdl = readdirSync(schemaDir).filter((f) => f.endsWith(".graphqls")).sort()
  .map((f) => readFileSync(join(schemaDir, f), "utf8")).join("\n");
const schema = buildSchema(sdl);

// Names as cccs-graph folds them (store/fold.go): ligatures, accents off, lower case.
const fold = (s) => (s || "").replace(/[œŒ]/g, "oe").replace(/[æÆ]/g, "ae").replace(/ß/g, "ss").replace(/[’‘ʼ]/g, "'")
  .normalize("NFD").replace(/\p{Mn}/gu, "").normalize("NFC").toLowerCase();
const upper = (s) => s.replace(/-/g, "_").toUpperCase();
const typeOf = (k) => k.split("-").map((w) => w[0].toUpperCase() + w.slice(1)).join("");
const cursor = (k, i, o) => Buffer.from(JSON.stringify(o ? { k, i, o } : { k, i })).toString("base64url");
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

const byId = new Map(data.nodes.map((n) => [n.id, n]));
const out = new Map(), inn = new Map();
for (const r of data.relations) {
  (out.get(r.from) || out.set(r.from, []).get(r.from)).push(r);
  (inn.get(r.to) || inn.set(r.to, []).get(r.to)).push(r);
}
const byKind = new Map();
for (const n of data.nodes) {
  n.folded = fold(n.name);
  (byKind.get(n.kind) || byKind.set(n.kind, []).get(n.kind)).push(n);
}
for (const list of byKind.values()) list.sort((a, b) => cmp(a.folded, b.folded) || cmp(a.id, b.id));

function page(items, first, cursorOf) {
  const n = Math.min(first ?? 20, 500);
  const cut = items.slice(0, n);
  const edges = cut.map((x) => ({ cursor: cursorOf(x), node: x }));
  return {
    totalCount: items.length, edges, nodes: cut,
    pageInfo: { hasNextPage: items.length > n, hasPreviousPage: false,
      startCursor: edges.length ? edges[0].cursor : null, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
  };
}

// A node's relations: out before in, then kind, other end, start date (graph/model/relations.go).
function relationsOf(n, { direction = "BOTH", first }) {
  const key = (r) => {
    const d = r.from === n.id ? "0" : "1";
    return [d + "|" + r.kind + "|" + (d === "0" ? r.to : r.from), (r.validFrom || "") + "|" + (r.onBehalfOf || "")];
  };
  let all = [];
  if (direction !== "IN") all = all.concat(out.get(n.id) || []);
  if (direction !== "OUT") all = all.concat(inn.get(n.id) || []);
  const keyed = all.map((r) => [key(r), r]).sort((a, b) => cmp(a[0][0], b[0][0]) || cmp(a[0][1], b[0][1]));
  const items = keyed.map((x) => x[1]);
  const keys = new Map(keyed.map(([k, r]) => [r, k]));
  return page(items, first, (r) => cursor(keys.get(r)[0], keys.get(r)[1], "relations"));
}

// Breadth first, out-relations then in-relations of each node, as read.
function neighborhood({ id, depth = 1 }) {
  const root = byId.get(id);
  const seen = new Map([[id, 0]]), order = [root], rels = new Set();
  for (let i = 0; i < order.length; i++) {
    const n = order[i], d = seen.get(n.id);
    for (const r of (out.get(n.id) || []).concat(inn.get(n.id) || [])) {
      const other = r.from === n.id ? r.to : r.from;
      if (!seen.has(other) && d < depth) { seen.set(other, d + 1); order.push(byId.get(other)); }
      if (seen.has(other)) rels.add(r);
    }
  }
  return { nodes: order, depths: order.map((n) => seen.get(n.id)), relations: [...rels], truncated: false };
}

// Names, short names and aliases that hold every word of the query.
function search({ query, first }) {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const hits = [];
  for (const n of data.nodes) {
    const text = fold([n.name, n.shortName, ...(n.aliases || [])].join(" "));
    if (words.every((w) => text.includes(w))) hits.push({ score: 2 + words.join(" ").length / text.length, matched: n.name, node: n });
  }
  hits.sort((a, b) => b.score - a.score || cmp(a.node.id, b.node.id));
  const p = page(hits, first, (h) => cursor(String(h.score), h.node.id, "search"));
  p.edges = p.edges.map(({ cursor, node: h }) => ({ cursor, score: h.score, matched: h.matched, node: h.node }));
  p.nodes = p.nodes.map((h) => h.node);
  return p;
}

const nodeFields = { kind: (n) => upper(n.kind), relations: relationsOf };
const resolvers = {
  Query: {
    node: (_, { id }) => byId.get(id) || null,
    organizations: (_, { first }) => page(byKind.get("organization") || [], first, (n) => cursor(n.folded, n.id, "")),
    territories: (_, { first }) => page(byKind.get("territory") || [], first, (n) => cursor(n.folded, n.id, "")),
    neighborhood: (_, a) => neighborhood(a),
    search: (_, a) => search(a),
  },
  Relation: { kind: (r) => upper(r.kind), from: (r) => byId.get(r.from), to: (r) => byId.get(r.to),
    onBehalfOf: (r) => (r.onBehalfOf ? byId.get(r.onBehalfOf) : null) },
};
for (const [name, type] of Object.entries(schema.getTypeMap())) {
  if (name.startsWith("__")) continue;
  if (type.resolveType === undefined && type.getInterfaces && type.getInterfaces().some((i) => i.name === "Node")) {
    resolvers[name] = { ...nodeFields };
  }
}
schema.getType("Node").resolveType = (n) => typeOf(n.kind);
for (const [typeName, fields] of Object.entries(resolvers)) {
  const type = schema.getType(typeName);
  for (const [f, fn] of Object.entries(fields)) {
    const field = type.getFields()[f];
    if (field) field.resolve = typeName === "Query" ? fn : (src, args) => fn(src, args);
  }
}

const compiled = new Map(); // query text -> compiled query or executable document
function run(query, variables) {
  let c = compiled.get(query);
  if (!c) {
    const doc = parse(query);
    const errors = validate(schema, doc);
    if (errors.length) return { errors };
    c = mode === "jit" ? compileQuery(schema, doc) : doc;
    if (compiled.size < 1000) compiled.set(query, c);
  }
  if (mode === "jit") return isCompiledQuery(c) ? c.query(null, {}, variables) : c;
  return execute({ schema, document: c, variableValues: variables });
}

const server = createServer((req, res) => {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (d) => { body += d; if (body.length > 1 << 20) req.destroy(); });
  req.on("end", async () => {
    try {
      const { query, variables } = JSON.parse(body);
      const result = await run(query, variables);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify(result));
    } catch (e) {
      res.writeHead(400, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ errors: [{ message: String(e).slice(0, 200) }] }));
    }
  });
});
server.listen(0, "127.0.0.1", () => console.log(`127.0.0.1:${server.address().port}`));
