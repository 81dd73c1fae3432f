// The signatories-by-year chart: one SVG bar a year (the count on 31
// December, the figure the seed documents give), the year viewed marked, and
// a table with the same figures as its text alternative.

const svgNS = "http://www.w3.org/2000/svg";
const height = 90;
const barGap = 2;

function el(name, attrs, text) {
  const e = document.createElementNS(svgNS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// createChart draws the series into box and fills the table; onYear is
// called when the reader clicks a bar.
export function createChart(box, table, caption, series, onYear) {
  const max = Math.max(1, ...series.map((s) => s.atYearEnd));
  const barWidth = 14;
  const width = series.length * (barWidth + barGap);
  const svg = el("svg", { viewBox: `0 0 ${width} ${height + 16}`, role: "img", "aria-labelledby": "chart-title chart-caption", preserveAspectRatio: "none" });
  svg.append(el("title", { id: "chart-title" }, "Signatories of the Convention Cadre by year"));
  const bars = new Map();
  series.forEach((s, i) => {
    const h = Math.round((s.atYearEnd / max) * (height - 14));
    const x = i * (barWidth + barGap);
    const g = el("g", { class: "bar", "data-year": s.year, "data-count": s.atYearEnd });
    g.append(
      el("rect", { x, y: height - h, width: barWidth, height: h }),
      el("text", { x: x + barWidth / 2, y: height - h - 3, class: "count" }, String(s.atYearEnd)),
    );
    if (i === 0) g.append(el("text", { x, y: height + 12, class: "year first" }, String(s.year)));
    else if (s.year % 5 === 0 && i > 2) g.append(el("text", { x: x + barWidth / 2, y: height + 12, class: "year" }, String(s.year)));
    g.addEventListener("click", () => onYear(s.year));
    svg.append(g);
    bars.set(s.year, g);
  });
  box.replaceChildren(svg);
  table.tBodies[0].replaceChildren(
    ...series.map((s) => {
      const tr = document.createElement("tr");
      tr.dataset.year = s.year;
      tr.innerHTML = `<th scope="row">${s.year}</th><td>${s.atYearEnd}</td>`;
      return tr;
    }),
  );
  const byYear = new Map(series.map((s) => [s.year, s]));
  return {
    // mark highlights a year and says its figure in the caption.
    mark(year) {
      for (const [y, g] of bars) g.classList.toggle("current", y === year);
      for (const tr of table.tBodies[0].rows) tr.classList.toggle("current", +tr.dataset.year === year);
      const s = byYear.get(year);
      caption.dataset.year = year;
      caption.dataset.count = s ? s.atYearEnd : "";
      caption.textContent = s
        ? `${year}: ${s.atYearEnd} signatories on 31 December` + (s.count !== s.atYearEnd ? ` (${s.count} in force at some time of the year)` : "")
        : `${year}: no figure`;
    },
  };
}
