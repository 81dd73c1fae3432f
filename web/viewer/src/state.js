// The page's state lives in its URL, so that every view is a link:
// /view?id=caf-13&asOf=2019&depth=1&expand=cccs,etat&node=etat
// (or &relation=RELATION-ID for a selected edge).

export const firstYear = 1994;
export const thisYear = new Date().getFullYear();
export const defaultRoot = "cccs";
export const maxExpanded = 20;

// The server's node id syntax (store.ValidID).
const idPattern = /^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/;
const datePattern = /^(\d{4})(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;

// read parses a query string; values that are not valid are dropped and
// named in problems, so a mistyped link still opens a page.
export function read(search) {
  const q = new URLSearchParams(search);
  const problems = [];
  const id = (name) => {
    const v = q.get(name);
    if (v === null || v === "") return null;
    if (idPattern.test(v)) return v;
    problems.push(`${name} is not a node id`);
    return null;
  };
  const state = { id: id("id") ?? defaultRoot, asOf: String(thisYear), depth: 1, expand: [], node: id("node"), relation: null };
  const asOf = q.get("asOf");
  if (asOf) {
    const m = asOf.match(datePattern);
    if (m && +m[1] >= 1000) state.asOf = asOf;
    else problems.push("asOf is not a date such as 2019 or 2019-06-30");
  }
  const depth = q.get("depth");
  if (depth) {
    if (/^[1-3]$/.test(depth)) state.depth = +depth;
    else problems.push("depth is 1, 2 or 3");
  }
  for (const v of (q.get("expand") ?? "").split(",").filter(Boolean).slice(0, maxExpanded)) {
    if (idPattern.test(v) && !state.expand.includes(v)) state.expand.push(v);
  }
  const rel = q.get("relation");
  if (rel && rel.length <= 400) state.relation = rel;
  return { state, problems };
}

// write serialises a state into a query string, in a stable order.
export function write(state) {
  const q = new URLSearchParams();
  q.set("id", state.id);
  q.set("asOf", state.asOf);
  if (state.depth !== 1) q.set("depth", String(state.depth));
  if (state.expand.length) q.set("expand", state.expand.join(","));
  if (state.node) q.set("node", state.node);
  if (state.relation) q.set("relation", state.relation);
  return "?" + q.toString().replaceAll("%2C", ",");
}

// year is the year a date falls in.
export const year = (asOf) => +asOf.slice(0, 4);
