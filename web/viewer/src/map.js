// The map pane: MapLibre draws the communes, the partner communes of the
// date viewed and the zones de vie sociale from the server's vector tiles
// of that date, and the facilities open then from its GeoJSON (no base map:
// the page works with no network).
import { Map as MapLibre, NavigationControl, Popup, setWorkerUrl } from "maplibre-gl";
import "maplibre-gl/dist/maplibre-gl.css";
import { geojson } from "./api.js";

setWorkerUrl(new URL("view/maplibre-gl-worker.mjs", document.baseURI).href);

// layers: where each layer's features come from. tiles: an OGC API - Tiles
// collection, drawn from its vector tiles (through its TileJSON) with the
// network of the date viewed; index: the /geo layer read once for what the
// tiles do not give a page (every feature's id, code and bbox, to count,
// list and zoom). atDate: a GeoJSON function of the date viewed, reloaded
// with it (the facilities existing then).
const layers = {
  communes: { tiles: "communes", index: ["communes", "?simplify=0.01&properties=code"] },
  zones: { tiles: "zones-de-vie-sociale", index: ["zones-de-vie-sociale", "?simplify=0.01&properties=code"] },
  facilities: { atDate: openFacilities },
};

// openFacilities are the facilities open at asOf that have a point, with
// their id among their properties (MapLibre keeps only numeric feature ids).
async function openFacilities(asOf) {
  const fc = await geojson("facilities", `?asOf=${encodeURIComponent(asOf)}&properties=nom,status`);
  fc.features = fc.features
    .filter((f) => f.geometry && f.properties.status === "open")
    .map((f) => ({ ...f, properties: { ...f.properties, id: f.id } }));
  return fc;
}

// tileJSON is the TileJSON URL of a collection's tiles at asOf; the server
// carries its datetime into the tile URLs.
function tileJSON(collection, asOf) {
  const u = new URL(`ogc/collections/${collection}/tiles/WebMercatorQuad/tilejson.json`, document.baseURI);
  u.searchParams.set("datetime", datetimeOf(asOf));
  return u.href;
}

// datetimeOf is the OGC datetime of an asOf date: a year or a month is the
// interval it spans, as asOf reads it; a day is that day.
export function datetimeOf(asOf) {
  const [y, m] = asOf.split("-").map(Number);
  if (/^\d{4}$/.test(asOf)) return `${asOf}-01-01/${asOf}-12-31`;
  if (/^\d{4}-\d{2}$/.test(asOf)) return `${asOf}-01/${asOf}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, "0")}`;
  return asOf;
}

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
  let asOfShown = null; // the date the tiles are of
  let dated;
  const firstDate = new Promise((resolve) => (dated = resolve)); // the tiles wait for a date

  const loaded = Promise.all(
    Object.entries(layers).map(async ([name, l]) => {
      features[name] = l.index ? await geojson(...l.index) : { type: "FeatureCollection", features: [] };
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
      await firstDate;
      addLayers(map, features, asOfShown);
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
      popup.setLngLat(e.lngLat).setText(describe(f.properties, p)).addTo(map);
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
      popup.setLngLat(e.lngLat).setText(e.features[0].properties.nom).addTo(map);
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
      asOfShown = asOf;
      dated();
      if (ready) for (const [name, l] of Object.entries(layers)) if (l.tiles) map.getSource(name).setUrl(tileJSON(l.tiles, asOf));
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

// describe names a commune with what its tile says of the date viewed.
function describe(props, partner) {
  const parts = [props.nom];
  if (partner) parts.push(`partner: ${partner.org.shortName || partner.org.name}` + (props.signatorySince ? ` since ${props.signatorySince}` : ""));
  if (props.facilityCount) parts.push(`${props.facilityCount} facilit${props.facilityCount > 1 ? "ies" : "y"}`);
  return parts.join(" — ");
}

function addLayers(map, features, asOf) {
  for (const [name, l] of Object.entries(layers)) {
    if (l.tiles) map.addSource(name, { type: "vector", url: tileJSON(l.tiles, asOf) });
    else map.addSource(name, { type: "geojson", data: features[name] });
  }
  const from = (source) => (layers[source].tiles ? { source, "source-layer": layers[source].tiles } : { source });
  map.addLayer({ id: "communes-fill", type: "fill", ...from("communes"), paint: { "fill-color": "#ffffff", "fill-opacity": 0.6 } });
  map.addLayer({ id: "partner-fill", type: "fill", ...from("communes"), filter: ["in", ["get", "code"], ["literal", []]], paint: { "fill-color": colors.partner, "fill-opacity": 0.55 } });
  map.addLayer({ id: "communes-line", type: "line", ...from("communes"), paint: { "line-color": colors.outline, "line-width": 0.6 } });
  map.addLayer({ id: "zones-fill", type: "fill", ...from("zones"), paint: { "fill-color": colors.zone, "fill-opacity": 0.45 } });
  map.addLayer({ id: "selected-line", type: "line", ...from("communes"), filter: ["==", ["get", "code"], ""], paint: { "line-color": colors.selected, "line-width": 3 } });
  map.addLayer({ id: "facilities-circle", type: "circle", ...from("facilities"), paint: { "circle-color": colors.facility, "circle-radius": 3.5, "circle-stroke-color": "#fff", "circle-stroke-width": 0.8 } });
}
