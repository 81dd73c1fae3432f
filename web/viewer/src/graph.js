// The graph pane: cytoscape draws the nodes and relations on a canvas, laid
// out by fCoSE. Nodes that stay from one drawing to the next keep their place,
// so playing the years shows what appears and disappears.
import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";
import { label, nodeKind, relationKind } from "./kinds.js";

cytoscape.use(fcose);

const style = [
  {
    selector: "node",
    style: {
      "background-color": "data(color)",
      label: "data(label)",
      "font-size": 10,
      "min-zoomed-font-size": 7,
      "font-family": "system-ui, sans-serif",
      color: "#1a1a1a",
      "text-valign": "bottom",
      "text-margin-y": 3,
      "text-outline-color": "#ffffff",
      "text-outline-width": 2,
      "text-max-width": "120px",
      "text-wrap": "ellipsis",
      width: 18,
      height: 18,
      "border-width": 1,
      "border-color": "#ffffff",
    },
  },
  { selector: "node.root", style: { width: 30, height: 30, "border-width": 3, "border-color": "#111111", "font-weight": "bold" } },
  { selector: "node.expanded", style: { "border-width": 3, "border-color": "#555555", "border-style": "double" } },
  { selector: "node.entering", style: { "border-color": "#ffb000", "border-width": 3 } },
  {
    selector: "edge",
    style: {
      width: 1.6,
      "line-color": "data(color)",
      "target-arrow-color": "data(color)",
      "target-arrow-shape": "triangle",
      "arrow-scale": 0.8,
      "curve-style": "bezier",
      opacity: 0.85,
    },
  },
  { selector: "edge.ended", style: { "line-style": "dashed" } },
  { selector: ":selected", style: { "overlay-color": "#ffb000", "overlay-opacity": 0.35, "overlay-padding": 6 } },
  { selector: "edge:selected", style: { width: 4, label: "data(kindName)", "font-size": 10, "text-rotation": "autorotate", "text-background-color": "#fff", "text-background-opacity": 1 } },
];

// createGraph makes the pane's cytoscape instance; onNode and onEdge are
// called with the id of what the reader taps.
export function createGraph(container, { onNode, onEdge }) {
  const cy = cytoscape({
    container,
    style,
    minZoom: 0.2,
    maxZoom: 3,
    wheelSensitivity: 0.3,
    boxSelectionEnabled: false,
    selectionType: "single",
  });
  cy.on("tap", "node", (e) => onNode(e.target.id()));
  cy.on("tap", "edge", (e) => onEdge(e.target.id()));
  let layout = null;
  let drawnRoot = null;

  return {
    // draw shows exactly the given nodes and relations (arrays of the API's
    // objects), keeping the place of those already drawn; it resolves when
    // the layout has finished.
    draw({ nodes, relations, root, expanded, asOf }) {
      // A new centre is a new picture: nothing to keep in place.
      if (root !== drawnRoot) cy.elements().remove();
      drawnRoot = root;
      const first = cy.nodes().length === 0;
      const keepNodes = new Set(nodes.map((n) => n.id));
      const keepEdges = new Set(relations.map((r) => r.id));
      layout?.stop();
      cy.batch(() => {
        cy.elements().filter((el) => !(el.isNode() ? keepNodes : keepEdges).has(el.id())).remove();
        cy.nodes().removeClass("entering");
        for (const n of nodes) {
          const data = { id: n.id, label: label(n), color: nodeKind(n.kind)[1], kind: n.kind };
          const existing = cy.getElementById(n.id);
          if (existing.nonempty()) existing.data(data);
          else cy.add({ group: "nodes", data, classes: first ? "" : "entering", position: placeNear(cy, n.id, relations) });
        }
        for (const r of relations) {
          if (cy.getElementById(r.id).nonempty()) continue;
          const [kindName, color] = relationKind(r.kind);
          cy.add({ group: "edges", data: { id: r.id, source: r.from.id, target: r.to.id, color, kindName }, classes: ended(r, asOf) ? "ended" : "" });
        }
        cy.nodes().removeClass("root expanded");
        cy.getElementById(root).addClass("root");
        for (const id of expanded) cy.getElementById(id).addClass("expanded");
      });
      const fresh = first ? cy.nodes().length : cy.nodes(".entering").length;
      return new Promise((resolve) => {
        if (cy.nodes().length === 0) return resolve();
        layout = cy.layout({
          name: "fcose",
          quality: "default",
          randomize: fresh === cy.nodes().length,
          animate: fresh < cy.nodes().length,
          animationDuration: 400,
          fit: true,
          padding: 30,
          nodeSeparation: 60,
          idealEdgeLength: 120,
          nodeRepulsion: 6000,
        });
        layout.one("layoutstop", () => {
          // Not larger than life: a small neighbourhood keeps its label size.
          if (cy.zoom() > 1.2) {
            cy.zoom(1.2);
            cy.center();
          }
          resolve();
        });
        layout.run();
      });
    },
    select(id) {
      cy.elements().unselect();
      if (id) cy.getElementById(id).select();
    },
    // drawn lists what the canvas holds now, for the page's lists.
    drawn() {
      return {
        nodes: cy.nodes().map((n) => n.id()),
        edges: cy.edges().map((e) => e.id()),
      };
    },
    resize() {
      cy.resize();
      cy.fit(undefined, 30);
    },
  };
}

// placeNear puts a new node beside one of its drawn neighbours, so the
// layout starts from a drawing close to the last one.
function placeNear(cy, id, relations) {
  for (const r of relations) {
    const other = r.from.id === id ? r.to.id : r.to.id === id ? r.from.id : null;
    const n = other && cy.getElementById(other);
    if (n?.nonempty() && !n.hasClass("entering")) {
      const p = n.position();
      return { x: p.x + 40 * Math.cos(hash(id)), y: p.y + 40 * Math.sin(hash(id)) };
    }
  }
  return { x: 0, y: 0 };
}

// hash is a stable angle for an id, so placement does not depend on chance.
function hash(s) {
  let h = 0;
  for (const c of s) h = (h * 31 + c.charCodeAt(0)) | 0;
  return (h % 628) / 100;
}

// ended says whether a relation ends before the period viewed does (drawn
// dashed: it holds during part of it only).
function ended(r, asOf) {
  return Boolean(r.validTo) && lastDay(r.validTo) < lastDay(asOf);
}

// lastDay is the last day a partial date covers, as a string that sorts.
function lastDay(d) {
  d = d.replace(/X$/, "9");
  return d.length === 4 ? d + "-12-31" : d.length === 7 ? d + "-31" : d;
}
