// The map pane: MapLibre draws the communes, the partner communes of the
// date viewed, the zones de vie sociale and the facilities, from the
// server's own layers (no base map: the page works with no network).
import { Map as MapLibre, NavigationControl, Popup, setWorkerUrl } from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import { facilities as facilitiesAt, geojson } from "./api.js";

setWorkerUrl(new URL("view/maplibre-gl-worker.mjs", document.baseURI).href);

// layers: where each layer's features come from. geojson: a /geo layer,
// loaded once; atDate: a function of the date viewed, reloaded with it (the
// facilities open then, from GraphQL). To switch a layer to vector tiles,
// give it source: { type: "vector", tiles: [absolute URL of
// .../tiles/WebMercatorQuad/{z}/{y}/{x}] } and sourceLayer, and drop its
// geojson entry: the rest of the pane reads features by layer id.
const layers = {
  communes: { geojson: ["communes", "?simplify=0.001"] },
  zones: { geojson: ["zones-de-vie-sociale", "?simplify=0.0005"] },
  facilities: { atDate: facilitiesAt },
};

const colors = { outline: "#8a8f98", partner: "#1f77b4", selected: "#ffb000", zone: "#ff7f0e", facility: "#17becf" };

// createMap fills the pane. onSelect is called with the node id (a
// territory, or the organisation that administers it) chosen on the map.
export function createMap({ container, status, list, count }, onSelect) {
  const features = {}; // layer -> FeatureCollection, as loaded
  let partners = []; // [{org, territory}] at the date viewed
  let selected = null; // territory id
  let map = null;
  let ready = false;
  let dateCalls = 0;

  const loaded = Promise.all(
    Object.entries(layers).map(async ([name, l]) => {
      features[name] = l.geojson ? await geojson(...l.geojson) : { type: "FeatureCollection", features: [] };
    }),
  );

  try {
    map = new MapLibre({
      container,
      style: { version: 8, sources: {}, layers: [{ id: "background", type: "background", paint: { "background-color": "#eef1f4" } }] },
      center: [5.2, 43.5],
      zoom: 7.6,
      attributionControl: { compact: true, customAttribution: "Communes: IGN ADMIN EXPRESS COG 2018" },
      cooperativeGestures: false,
    });
    map.addControl(new NavigationControl({ showCompass: false }));
    map.on("load", async () => {
      await loaded;
      addLayers(map, features);
      ready = true;
      fit();
      paint();
      container.dataset.rendered = "true";
    });
    map.on("error", (e) => (status.textContent = `map: ${e.error?.message ?? e}`));
    // What the map has drawn, once it is idle, for readers of the page's data.
    map.on("idle", () => {
      container.dataset.partnersRendered = renderedPartners();
      container.dataset.facilitiesRendered = new Set(map.queryRenderedFeatures({ layers: ["facilities-circle"] }).map((f) => f.properties.id)).size;
      container.dataset.idleAsOf = container.dataset.asOf ?? "";
    });
  } catch (err) {
    // No WebGL: the list below still tells which communes are partners.
    container.dataset.rendered = "false";
    container.classList.add("no-webgl");
    container.textContent = `The map needs WebGL, which this browser does not offer (${err.message}). The partner communes are listed below.`;
    map = null;
  }

  // idOf is the node id of a layer's feature with a code.
  function idOf(layer, code) {
    return features[layer]?.features.find((f) => f.properties.code === code)?.id ?? null;
  }

  // renderedPartners counts the partner communes the map has drawn.
  function renderedPartners() {
    return ready ? new Set(map.queryRenderedFeatures({ layers: ["partner-fill"] }).map((f) => f.properties.code)).size : 0;
  }

  function fit() {
    const bbox = features.communes?.bbox;
    if (map && bbox) map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { padding: 10, duration: 0 });
  }

  // paint applies the partners and the selection to the drawn layers.
  function paint() {
    const sel = [features.communes, features.zones].flatMap((fc) => fc?.features ?? []).find((f) => f.id === selected);
    container.dataset.selected = sel?.id ?? "";
    if (!ready) return;
    // By code, not by feature id: MapLibre keeps only numeric ids.
    const codes = partners.map((p) => p.territory.code);
    map.setFilter("partner-fill", ["in", ["get", "code"], ["literal", codes]]);
    map.setFilter("selected-line", ["==", ["get", "code"], sel?.properties.code ?? ""]);
    map.triggerRepaint();
  }

  function renderList() {
    const known = new Set((features.communes?.features ?? []).map((f) => f.id));
    count.textContent = String(partners.length);
    list.replaceChildren(
      ...partners.map((p) => {
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button";
        b.dataset.featureId = p.territory.id;
        b.dataset.orgId = p.org.id;
        b.dataset.onMap = known.has(p.territory.id);
        b.textContent = p.territory.name + (known.has(p.territory.id) ? "" : " (no outline)");
        b.addEventListener("click", () => onSelect(p.org.id));
        li.append(b);
        return li;
      }),
    );
  }

  function updateStatus() {
    const n = features.communes?.features.length ?? 0;
    const shown = partners.filter((p) => features.communes?.features.some((f) => f.id === p.territory.id)).length;
    const parts = [
      n ? `${shown} of ${partners.length} partner communes drawn among ${n} communes` : "No commune outlines are imported (go run . import -layer commune …).",
    ];
    if (features.zones?.features.length) parts.push(`${features.zones.features.length} zones de vie sociale`);
    parts.push(`${features.facilities.features.length} facilities open (points)`);
    status.textContent = parts.join("; ") + ".";
    container.dataset.communes = n;
    container.dataset.facilities = features.facilities.features.length;
    container.dataset.partnersDrawn = shown;
  }

  if (map) {
    const popup = new Popup({ closeButton: false, closeOnClick: false });
    map.on("mousemove", "communes-fill", (e) => {
      if (map.queryRenderedFeatures(e.point, { layers: ["facilities-circle"] }).length) return;
      const f = e.features[0];
      map.getCanvas().style.cursor = "pointer";
      const p = partners.find((x) => x.territory.code === f.properties.code);
      popup.setLngLat(e.lngLat).setText(f.properties.nom + (p ? ` — partner: ${p.org.shortName || p.org.name}` : "")).addTo(map);
    });
    map.on("mouseleave", "communes-fill", () => {
      map.getCanvas().style.cursor = "";
      popup.remove();
    });
    // A click selects the partner organisation, or else the territory.
    map.on("click", "communes-fill", (e) => {
      const code = e.features[0].properties.code;
      const p = partners.find((x) => x.territory.code === code);
      onSelect(p ? p.org.id : idOf("communes", code));
    });
    map.on("click", "zones-fill", (e) => onSelect(idOf("zones", e.features[0].properties.code)));
    map.on("click", "facilities-circle", (e) => onSelect(e.features[0].properties.id));
    map.on("mousemove", "facilities-circle", (e) => {
      map.getCanvas().style.cursor = "pointer";
      popup.setLngLat(e.lngLat).setText(e.features[0].properties.name).addTo(map);
    });
  }

  return {
    // setDate shows the partners at asOf ([{org, territory}]) and reloads
    // the layers that depend on the date.
    async setDate(asOf, list) {
      const call = ++dateCalls;
      await loaded;
      const atDate = Object.entries(layers).filter(([, l]) => l.atDate);
      const loadedAtDate = await Promise.all(atDate.map(([, l]) => l.atDate(asOf)));
      if (call !== dateCalls) return; // a later date is being shown
      atDate.forEach(([name], i) => {
        features[name] = loadedAtDate[i];
        if (ready) map.getSource(name).setData(features[name]);
      });
      partners = list;
      container.dataset.asOf = asOf;
      renderList();
      updateStatus();
      paint();
    },
    // select outlines a territory and brings it into view (null: none).
    select(territoryId) {
      selected = territoryId;
      paint();
      const f = features.communes?.features.find((x) => x.id === territoryId) ?? features.zones?.features.find((x) => x.id === territoryId);
      if (map && f?.bbox) map.fitBounds([[f.bbox[0], f.bbox[1]], [f.bbox[2], f.bbox[3]]], { padding: 30, maxZoom: 10, duration: 300 });
    },
    resize: () => map?.resize(),
    loaded,
    features,
  };
}

function addLayers(map, features) {
  for (const [name, fc] of Object.entries(features)) {
    map.addSource(name, { type: "geojson", data: fc ?? { type: "FeatureCollection", features: [] } });
  }
  map.addLayer({ id: "communes-fill", type: "fill", source: "communes", paint: { "fill-color": "#ffffff", "fill-opacity": 0.6 } });
  map.addLayer({ id: "partner-fill", type: "fill", source: "communes", filter: ["in", ["get", "code"], ["literal", []]], paint: { "fill-color": colors.partner, "fill-opacity": 0.55 } });
  map.addLayer({ id: "communes-line", type: "line", source: "communes", paint: { "line-color": colors.outline, "line-width": 0.6 } });
  map.addLayer({ id: "zones-fill", type: "fill", source: "zones", paint: { "fill-color": colors.zone, "fill-opacity": 0.45 } });
  map.addLayer({ id: "selected-line", type: "line", source: "communes", filter: ["==", ["get", "code"], ""], paint: { "line-color": colors.selected, "line-width": 3 } });
  map.addLayer({ id: "facilities-circle", type: "circle", source: "facilities", paint: { "circle-color": colors.facility, "circle-radius": 3.5, "circle-stroke-color": "#fff", "circle-stroke-width": 0.8 } });
}
