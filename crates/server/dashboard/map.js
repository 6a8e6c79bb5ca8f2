// The map: the framework's zones (GeoJSON, degrees) drawn as SVG with an
// equirectangular projection fitted to them, and incidents on top. No tiles,
// no network: everything drawn comes from the framework and the board.

const SVG = "http://www.w3.org/2000/svg";

function el(name, attrs = {}, text) {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function eachPoint(geometry, f) {
  const walk = (c) => (typeof c[0] === "number" ? f(c) : c.forEach(walk));
  if (geometry && geometry.coordinates) walk(geometry.coordinates);
}

/** A projection fitted to the zones' extent (or to the points if none). */
export function fit(zones, points, width = 1000) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  const grow = ([lon, lat]) => {
    x0 = Math.min(x0, lon); x1 = Math.max(x1, lon);
    y0 = Math.min(y0, lat); y1 = Math.max(y1, lat);
  };
  for (const f of zones.features || []) eachPoint(f.geometry, grow);
  if (!isFinite(x0)) points.forEach(grow);
  if (!isFinite(x0)) [x0, y0, x1, y1] = [-10, 35, 45, 60];
  const k = Math.cos(((y0 + y1) / 2) * Math.PI / 180) || 1;
  const pad = 0.04 * Math.max(x1 - x0, y1 - y0, 0.5);
  x0 -= pad; x1 += pad; y0 -= pad; y1 += pad;
  const scale = width / ((x1 - x0) * k);
  const height = Math.max(200, Math.round((y1 - y0) * scale));
  return {
    width, height,
    project: ([lon, lat]) => [((lon - x0) * k * scale), ((y1 - lat) * scale)],
  };
}

function path(rings, project, close) {
  return rings.map((r) => r.map((p, i) => {
    const [x, y] = project(p);
    return `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`;
  }).join("") + (close ? "Z" : "")).join("");
}

/**
 * Draws `zones` and `incidents` (each `{id, position:[lon,lat], approximate, count, breach, label}`;
 * an approximate one — reported by zone — is drawn hollow)
 * into `host`. `open(incident)` is called when one is chosen (click or Enter).
 */
export function draw(host, zones, incidents, open) {
  const points = incidents.filter((i) => i.position).map((i) => i.position);
  const { width, height, project } = fit(zones, points);
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `Map of the framework's zones with ${points.length} incidents` });
  const features = [...(zones.features || [])];
  // Outer areas first, nested ones over them, lines on top.
  const depth = (f) => (f.properties && f.properties.within ? 1 : 0);
  features.sort((a, b) => depth(a) - depth(b));
  const labels = el("g");
  for (const f of features) {
    const g = f.geometry || {};
    const name = (f.properties && f.properties.name) || f.id;
    if (g.type === "MultiPolygon" || g.type === "Polygon") {
      const polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
      const d = polys.map((rings) => path(rings, project, true)).join("");
      const p = el("path", { d, class: "zone-area" + (depth(f) ? " nested" : ""), "data-zone": f.id });
      p.appendChild(el("title", {}, `${name} (${f.id})`));
      svg.appendChild(p);
      if (!depth(f)) continue;
      const first = polys[0] && polys[0][0];
      if (first && first.length) {
        const c = first.reduce((a, q) => [a[0] + q[0] / first.length, a[1] + q[1] / first.length], [0, 0]);
        const [x, y] = project(c);
        labels.appendChild(el("text", { x: x.toFixed(1), y: y.toFixed(1), class: "zone-label", "text-anchor": "middle" }, f.id));
      }
    } else if (g.type === "MultiLineString" || g.type === "LineString") {
      const lines = g.type === "LineString" ? [g.coordinates] : g.coordinates;
      const p = el("path", { d: path(lines, project, false), class: "zone-line", "data-zone": f.id });
      p.appendChild(el("title", {}, `${name} (${f.id})`));
      svg.appendChild(p);
    }
  }
  svg.appendChild(labels);
  const max = Math.max(1, ...incidents.map((i) => i.count || 1));
  for (const inc of incidents) {
    if (!inc.position) continue;
    const [x, y] = project(inc.position);
    const r = 4 + 10 * Math.sqrt((inc.count || 1) / max);
    const c = el("circle", {
      cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1),
      class: "inc" + (inc.breach ? " breach" : "") + (inc.approximate ? " approximate" : ""), tabindex: "0", role: "button",
      "data-incident": inc.id, "aria-label": inc.label,
    });
    c.appendChild(el("title", {}, inc.label));
    c.addEventListener("click", () => open(inc));
    c.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(inc); } });
    svg.appendChild(c);
  }
  host.replaceChildren(svg);
}
