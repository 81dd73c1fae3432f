// The viewer page: a node's neighbourhood drawn as a graph at a date, the
// years played one by one, the signatories chart and the map. Everything it
// shows comes from the public API; its state is in the URL (state.js).
import "./style.css";
import * as api from "./api.js";
import * as url from "./state.js";
import { createGraph } from "./graph.js";
import { createChart } from "./chart.js";
import { createMap } from "./map.js";
import { label, nodeKind, nodeKinds, relationKind, relationKinds } from "./kinds.js";

const $ = (id) => document.getElementById(id);
const playStepMs = 1200;

let caps, state, graph, chart, map;
let drawn = { nodes: new Map(), relations: new Map() }; // the API's objects, by id
let generation = 0; // the latest render; older answers are dropped
let playing = false;

async function start() {
  const parsed = url.read(location.search);
  state = parsed.state;
  if (parsed.problems.length) showError(`The link was partly ignored: ${parsed.problems.join("; ")}.`, true);
  history.replaceState(null, "", url.write(state));
  $("year").max = url.thisYear;
  caps = await api.capabilities();
  graph = createGraph($("graph"), { onNode: tapNode, onEdge: selectRelation });
  map = createMap({ container: $("map"), status: $("map-status"), list: $("partner-list"), count: $("partner-count") }, selectFromMap);
  wireControls();
  window.addEventListener("popstate", () => {
    state = url.read(location.search).state;
    render();
  });
  try {
    const series = await api.signatoriesByYear(url.firstYear);
    chart = createChart($("chart"), $("chart-table"), $("chart-caption"), series, setYear);
  } catch (err) {
    $("chart-caption").textContent = `The chart could not be loaded: ${err.message}`;
  }
  await render();
}

// navigate records a new state in the URL: a new entry when the root
// changes (Back returns to the previous node), else the same entry.
function navigate(next, { push = false } = {}) {
  state = next;
  const href = url.write(state);
  if (push) history.pushState(null, "", href);
  else history.replaceState(null, "", href);
}

// render draws the state: the neighbourhoods of the root and of the expanded
// nodes at the date, the partners on the map, the chart's year, the selection.
async function render() {
  const gen = ++generation;
  document.body.dataset.status = "loading";
  syncControls();
  const { asOf } = state;
  try {
    const roots = [state.id, ...state.expand];
    // An expanded node that no longer exists is dropped; an unknown centre is an error.
    const fetchOne = (id, i) =>
      api.neighborhood(caps, id, i === 0 ? state.depth : 1, asOf).catch((err) => {
        if (i > 0 && err.code === "NOT_FOUND") return null;
        throw err;
      });
    const [found, partnerList] = await Promise.all([Promise.all(roots.map(fetchOne)), api.partners(asOf)]);
    if (gen !== generation) return;
    const parts = found.filter(Boolean);
    if (parts.length < found.length) navigate({ ...state, expand: state.expand.filter((_, i) => found[i + 1]) });
    drawn = { nodes: new Map(), relations: new Map() };
    for (const p of parts) {
      for (const n of p.nodes) drawn.nodes.set(n.id, n);
      for (const r of p.relations) drawn.relations.set(r.id, r);
    }
    await graph.draw({
      nodes: [...drawn.nodes.values()],
      relations: [...drawn.relations.values()],
      root: state.id,
      expanded: state.expand,
      asOf,
    });
    if (gen !== generation) return;
    renderLists();
    renderLegend();
    renderSummary(parts);
    chart?.mark(url.year(asOf));
    await map.setDate(asOf, partnerList.filter((o) => o.territory?.type === "COMMUNE").map((o) => ({ org: o, territory: o.territory })));
    $("map-date").textContent = `valid in ${asOf}`;
    await showSelection();
    if (gen !== generation) return;
    hideError();
    document.body.dataset.asOf = asOf;
    document.body.dataset.status = "ready";
  } catch (err) {
    if (gen !== generation) return;
    showError(err.code === "NOT_FOUND" ? `No node has the id “${state.id}”: search for one above.` : `The API answered: ${err.message}`);
    document.body.dataset.status = "error";
  }
}

function syncControls() {
  $("year").value = url.year(state.asOf);
  $("year-label").textContent = state.asOf;
  $("depth").value = String(state.depth);
}

function renderSummary(parts) {
  const root = drawn.nodes.get(state.id);
  const name = root ? label(root, 60) : state.id;
  let text = root
    ? `${name} and its neighbours (depth ${state.depth}) valid in ${state.asOf}: ${drawn.nodes.size} nodes, ${drawn.relations.size} relations.`
    : `${state.id} does not exist in ${state.asOf}.`;
  if (state.expand.length) text += ` Expanded: ${state.expand.length}.`;
  if (parts.some((p) => p.truncated)) text += " The neighbourhood was cut at the server's caps: lower the depth.";
  $("graph-summary").textContent = text;
  document.title = `${name}, ${state.asOf} · cccs-graph viewer`;
}

// renderLists writes what the canvas holds as lists: each drawn node with
// data-node-id, each drawn relation with data-relation-id, the root first.
function renderLists() {
  const { nodes, edges } = graph.drawn();
  const order = (id) => (id === state.id ? 0 : state.expand.includes(id) ? 1 : 2);
  nodes.sort((a, b) => order(a) - order(b) || compareNodes(drawn.nodes.get(a), drawn.nodes.get(b)));
  const list = $("node-list");
  list.replaceChildren(
    ...nodes.map((id, i) => {
      const n = drawn.nodes.get(id);
      const li = document.createElement("li");
      li.id = `node-option-${i}`;
      li.setAttribute("role", "option");
      li.dataset.nodeId = id;
      li.setAttribute("aria-selected", String(id === state.node));
      const [kindName, color] = nodeKind(n.kind);
      li.innerHTML = `<span class="swatch" style="background:${color}"></span><span class="name"></span> <span class="kind"></span>`;
      li.querySelector(".name").textContent = n.shortName || n.name;
      li.querySelector(".kind").textContent = kindName + (id === state.id ? ", centre" : state.expand.includes(id) ? ", expanded" : "");
      li.addEventListener("click", () => tapNode(id));
      return li;
    }),
  );
  const active = nodes.indexOf(state.node);
  setActiveOption(active >= 0 ? active : 0, false);

  const rels = $("relation-list");
  rels.replaceChildren(
    ...edges
      .map((id) => drawn.relations.get(id))
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id))
      .map((r) => {
        const li = document.createElement("li");
        li.dataset.relationId = r.id;
        const b = document.createElement("button");
        b.type = "button";
        b.setAttribute("aria-pressed", String(r.id === state.relation));
        b.innerHTML = `<span class="swatch line" style="background:${relationKind(r.kind)[1]}"></span>`;
        b.append(`${nodeName(r.from.id)} — ${relationKind(r.kind)[0]} → ${nodeName(r.to.id)} (${period(r)})`);
        b.addEventListener("click", () => selectRelation(r.id));
        li.append(b);
        return li;
      }),
  );
}

function compareNodes(a, b) {
  return a.kind.localeCompare(b.kind) || (a.shortName || a.name).localeCompare(b.shortName || b.name, "fr");
}

const nodeName = (id) => {
  const n = drawn.nodes.get(id);
  return n ? n.shortName || n.name : id;
};

// period writes a validity interval: "1994–2017", "2015–", "always".
function period(r) {
  if (!r.validFrom && !r.validTo) return "no dates";
  return `${r.validFrom ?? "…"}–${r.validTo ?? ""}`;
}

function renderLegend() {
  const nodeSet = new Set([...drawn.nodes.values()].map((n) => n.kind));
  const relSet = new Set([...drawn.relations.values()].map((r) => r.kind));
  const item = (color, text, line) => `<li><span class="swatch${line ? " line" : ""}" style="background:${color}"></span>${text}</li>`;
  $("legend").innerHTML =
    `<ul>${Object.entries(nodeKinds).filter(([k]) => nodeSet.has(k)).map(([, [t, c]]) => item(c, t)).join("")}</ul>` +
    `<ul>${Object.entries(relationKinds).filter(([k]) => relSet.has(k)).map(([, [t, c]]) => item(c, t, true)).join("")}</ul>` +
    `<p>Thick border: the centre; double: expanded; orange: new since the last drawing. Dashed: ends during the period viewed.</p>`;
}

// tapNode selects a node and expands it (adds its neighbours).
function tapNode(id) {
  const expand = id === state.id || state.expand.includes(id) ? state.expand : [...state.expand, id].slice(-url.maxExpanded);
  const changed = expand !== state.expand;
  navigate({ ...state, expand, node: id, relation: null });
  if (changed) render();
  else showSelection();
}

function selectRelation(id) {
  navigate({ ...state, node: null, relation: id });
  showSelection();
}

// selectFromMap selects a node chosen on the map; one not drawn becomes the
// centre of the graph.
function selectFromMap(id) {
  if (!id) return;
  if (drawn.nodes.has(id)) {
    navigate({ ...state, node: id, relation: null });
    showSelection();
    return;
  }
  navigate({ ...state, id, expand: [], node: id, relation: null }, { push: true });
  render();
}

function centre(id) {
  navigate({ ...state, id, expand: [], node: id, relation: null }, { push: true });
  render();
}

function collapse(id) {
  navigate({ ...state, expand: state.expand.filter((x) => x !== id) });
  render();
}

function setYear(y) {
  navigate({ ...state, asOf: String(y) });
  return render();
}

// showSelection shows the selected node or relation in the details, the
// graph, the lists and the map.
async function showSelection() {
  const body = $("details-body");
  for (const li of $("node-list").children) li.setAttribute("aria-selected", String(li.dataset.nodeId === state.node));
  for (const li of $("relation-list").children) li.firstChild.setAttribute("aria-pressed", String(li.dataset.relationId === state.relation));
  if (state.relation && drawn.relations.has(state.relation)) {
    const id = state.relation;
    graph.select(id);
    map.select(null);
    try {
      const r = await api.relation(caps, drawn.relations.get(id));
      if (state.relation === id) show(body, "relation", relationDetails(r));
    } catch (err) {
      body.textContent = `The relation could not be read: ${err.message}`;
    }
    return;
  }
  if (!state.node || !drawn.nodes.has(state.node)) {
    graph.select(null);
    map.select(null);
    show(body, "", h("p", "Click a node to expand it, an edge to read its sources."));
    return;
  }
  graph.select(state.node);
  const id = state.node;
  try {
    const n = await api.node(caps, id);
    if (state.node !== id) return;
    show(body, "node", nodeDetails(n));
    map.select(n.kind === "TERRITORY" ? n.id : (n.territory?.id ?? null));
  } catch (err) {
    body.textContent = `The node could not be read: ${err.message}`;
  }
}

// show puts content into the details, marked with what it shows.
function show(body, what, content) {
  body.replaceChildren(content);
  body.dataset.shows = what;
}

function h(tag, text, attrs = {}) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

function button(text, onClick) {
  const b = h("button", text, { type: "button" });
  b.addEventListener("click", onClick);
  return b;
}

function nodeDetails(n) {
  const box = document.createDocumentFragment();
  box.append(h("h3", n.name));
  const meta = h("p", `${nodeKind(n.kind)[0]} · `, { class: "meta" });
  meta.append(h("code", n.id));
  if (n.code) meta.append(` · code ${n.code}`);
  box.append(meta);
  if (n.title) box.append(h("p", n.title, { lang: "fr" }));
  for (const text of [n.description, n.summary].filter(Boolean)) box.append(h("p", text, { lang: "fr" }));
  if (webURL(n.website)) {
    const a = h("a", n.website, { href: webURL(n.website), rel: "noopener noreferrer" });
    const p = h("p", "Website: ");
    p.append(a);
    box.append(p);
  }
  const actions = h("p", null, { class: "actions" });
  if (n.id !== state.id) actions.append(button("Centre the graph here", () => centre(n.id)));
  if (state.expand.includes(n.id)) actions.append(button("Collapse", () => collapse(n.id)));
  const q = `{ node(id: "${n.id}") { id kind name relations(asOf: "${state.asOf}") { totalCount nodes { kind from { id name } to { id name } validFrom validTo } } } }`;
  actions.append(h("a", "Open in the query explorer", { href: "./?query=" + encodeURIComponent(q) }));
  box.append(actions);
  box.append(sourcesList(n.sources));
  return box;
}

function relationDetails(r) {
  const box = document.createDocumentFragment();
  box.append(h("h3", `${nodeName(r.from.id)} — ${relationKind(r.kind)[0]} → ${nodeName(r.to.id)}`));
  const meta = h("p", "export id ", { class: "meta" });
  meta.append(h("code", r.id));
  box.append(meta);
  const dl = document.createElement("dl");
  const row = (k, v) => v && dl.append(h("dt", k), h("dd", v));
  row("Valid from", r.validFrom ?? "open (no start date)");
  row("Valid to", r.validTo ?? "open (still in force)");
  row("Role", r.role);
  row("On behalf of", r.onBehalfOf?.name);
  row("Note", r.note);
  box.append(dl);
  box.append(sourcesList(r.sources));
  return box;
}

// sourcesList shows citations: the excerpt, the document, its URL when the
// server gives one (web sources).
function sourcesList(sources) {
  const box = document.createDocumentFragment();
  box.append(h("h4", `Sources (${sources.length})`));
  const ul = h("ul", null, { class: "sources" });
  for (const c of sources) {
    const li = document.createElement("li");
    if (c.excerpt) li.append(h("blockquote", c.excerpt, { lang: "fr" }));
    const cite = h("cite", c.source.name, { lang: "fr" });
    li.append("— ", cite);
    if (webURL(c.source.url)) li.append(" ", h("a", c.source.url, { href: webURL(c.source.url), rel: "noopener noreferrer" }));
    else if (c.source.file) li.append(` (${c.source.file})`);
    ul.append(li);
  }
  box.append(ul);
  return box;
}

// webURL returns an http(s) URL as a link target, null for anything else
// (the data is edited by people: a "javascript:" URL is never a link).
function webURL(u) {
  try {
    const parsed = new URL(u);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

// The node list is one tab stop; arrows move within it (aria-activedescendant).
function setActiveOption(i, select = true) {
  const items = $("node-list").children;
  if (!items.length) return;
  i = Math.max(0, Math.min(items.length - 1, i));
  for (const li of items) li.classList.remove("active");
  items[i].classList.add("active");
  $("node-list").setAttribute("aria-activedescendant", items[i].id);
  if (select) {
    items[i].scrollIntoView({ block: "nearest" });
    const id = items[i].dataset.nodeId;
    navigate({ ...state, node: id, relation: null });
    showSelection();
  }
}

function activeIndex() {
  return [...$("node-list").children].findIndex((li) => li.classList.contains("active"));
}

function wireControls() {
  $("node-list").addEventListener("keydown", (e) => {
    const i = activeIndex();
    const items = $("node-list").children;
    const moves = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: items.length - 1, PageDown: i + 10, PageUp: i - 10 };
    if (e.key in moves) {
      e.preventDefault();
      setActiveOption(moves[e.key]);
    } else if ((e.key === "Enter" || e.key === " ") && items[i]) {
      e.preventDefault();
      tapNode(items[i].dataset.nodeId);
    } else if ((e.key === "c" || e.key === "C") && items[i]) {
      centre(items[i].dataset.nodeId);
    }
  });

  let yearTimer;
  $("year").addEventListener("input", () => {
    $("year-label").textContent = $("year").value;
    clearTimeout(yearTimer);
    yearTimer = setTimeout(() => setYear(+$("year").value), 120);
  });
  $("play").addEventListener("click", () => (playing ? stop() : play()));
  $("depth").addEventListener("change", () => {
    navigate({ ...state, depth: +$("depth").value });
    render();
  });
  wireSearch();
  window.addEventListener("resize", () => graph.resize());
}

// play redraws the network year by year from the slider's year (from the
// first year when it is at the end): each year is drawn, then shown for
// playStepMs, however long the drawing took.
async function play() {
  playing = true;
  $("play").textContent = "⏸ Pause";
  $("play").setAttribute("aria-pressed", "true");
  let y = url.year(state.asOf);
  if (y >= url.thisYear) y = url.firstYear - 1;
  while (playing && y < url.thisYear) {
    await setYear(++y);
    await new Promise((r) => setTimeout(r, playStepMs)); // each year stays in view
  }
  stop();
}

function stop() {
  playing = false;
  $("play").textContent = "▶ Play";
  $("play").setAttribute("aria-pressed", "false");
}

function wireSearch() {
  const input = $("search");
  const results = $("search-results");
  let timer;
  let active = -1;
  let asked = 0;
  const close = () => {
    results.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const mark = (i) => {
    const items = results.children;
    if (!items.length) return;
    active = (i + items.length) % items.length;
    for (const [j, li] of [...items].entries()) li.setAttribute("aria-selected", String(j === active));
    input.setAttribute("aria-activedescendant", items[active].id);
  };
  const pick = (id) => {
    close();
    input.value = "";
    centre(id);
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) return close();
    timer = setTimeout(async () => {
      const n = ++asked;
      let edges;
      try {
        edges = await api.search(q);
      } catch (err) {
        edges = [];
        if (err.code !== "BAD_USER_INPUT") showError(`Search failed: ${err.message}`);
      }
      if (n !== asked) return;
      results.replaceChildren(
        ...edges.map((e, i) => {
          const li = h("li", null, { role: "option", id: `search-option-${i}`, "aria-selected": "false" });
          li.dataset.id = e.node.id;
          li.append(h("span", null, { class: "swatch", style: `background:${nodeKind(e.node.kind)[1]}` }), e.node.shortName || e.node.name, h("span", ` ${nodeKind(e.node.kind)[0]}`, { class: "kind" }));
          li.addEventListener("mousedown", (ev) => {
            ev.preventDefault();
            pick(e.node.id);
          });
          return li;
        }),
      );
      if (!edges.length) results.replaceChildren(h("li", "Nothing found", { class: "empty" }));
      results.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }, 200);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      mark(active + (e.key === "ArrowDown" ? 1 : -1));
    } else if (e.key === "Escape") close();
  });
  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const li = results.children[Math.max(active, 0)];
    if (li?.dataset.id) pick(li.dataset.id);
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
}

// showError shows a message until the next drawing, or for good when sticky
// (a problem with the link itself).
function showError(text, sticky = false) {
  $("error").textContent = text;
  $("error").hidden = false;
  $("error").dataset.sticky = String(sticky);
}

function hideError() {
  if ($("error").dataset.sticky !== "true") $("error").hidden = true;
}

start().catch((err) => {
  showError(`The viewer could not start: ${err.message}`);
  document.body.dataset.status = "error";
});
