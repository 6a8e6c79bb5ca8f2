// The dashboard's first render against the browser's floor, in one run:
// the time from navigation to the board drawn (the page's
// `board-rendered` mark: framework and board fetched, every table, the
// map and its marks drawn), and the time Chromium takes to load a static
// page with the same rows and marks and no script. Run by
// `cargo bench -p bulwark --bench dashboard`.

import { chromium } from "playwright-core";
import { createServer } from "node:http";

const url = process.env.DASHBOARD_URL;
const runs = Number(process.env.RUNS || 7);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu"],
});

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// The floor: the same incidents as a static page (table rows and SVG marks).
const board = await (await fetch(`${url}/api/v1/board`)).json();
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
const rows = board.incidents.map((i) => `<tr><td><a href="#e">${esc(i.id)}</a></td><td>${esc(i.kind)}</td><td>${esc(i.from)}</td><td>${esc(i.zone)}</td><td>${esc(i.count?.low)}–${esc(i.count?.high)}</td><td>${i.sources.length}</td><td></td></tr>`).join("");
const marks = board.incidents.filter((i) => i.position).map((i) => `<circle cx="${((i.position[0] - 22) * 40).toFixed(1)}" cy="${((53 - i.position[1]) * 60).toFixed(1)}" r="5"><title>${esc(i.id)}</title></circle>`).join("");
const staticPage = `<!doctype html><html><head><meta charset="utf-8"><title>floor</title></head><body><svg viewBox="0 0 1000 600">${marks}</svg><table>${rows}</table></body></html>`;
const server = createServer((req, res) => { res.writeHead(200, { "content-type": "text/html; charset=utf-8" }); res.end(staticPage); });
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const floorUrl = `http://127.0.0.1:${server.address().port}/`;

// A slow machine: the CPU slowed 4× by the browser itself (DevTools
// emulation), as Lighthouse does for a mid-range phone.
const slowdown = Number(process.env.CPU_SLOWDOWN || 4);
const dash = [], floor = [], slow = [], maps = [];
for (let i = 0; i < runs; i++) {
  const ps = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const cdp = await ps.context().newCDPSession(ps);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: slowdown });
  await ps.goto(url);
  await ps.waitForFunction(() => performance.getEntriesByName("board-rendered").length > 0, null, { timeout: 60000 });
  slow.push(await ps.evaluate(() => performance.getEntriesByName("board-rendered")[0].startTime));
  if (i === 0) {
    const marks = await ps.evaluate(() => ["board-fetched", "board-rendered"].map((m) => `${m} ${performance.getEntriesByName(m)[0].startTime.toFixed(0)} ms`).join(", "));
    console.log(`slowed ${slowdown}×, first run: ${marks}`);
  }
  await ps.close();
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName("board-rendered").length > 0, null, { timeout: 30000 });
  dash.push(await page.evaluate(() => performance.getEntriesByName("board-rendered")[0].startTime));
  // The map section, drawn when opened: every incident's mark and row.
  maps.push(await page.evaluate(() => {
    const t0 = performance.now();
    location.hash = "#map";
    window.dispatchEvent(new HashChangeEvent("hashchange"));
    return performance.now() - t0;
  }));
  await page.close();
  const p2 = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await p2.goto(floorUrl, { waitUntil: "load" });
  floor.push(await p2.evaluate(() => performance.getEntriesByType("navigation")[0].loadEventEnd));
  await p2.close();
}
await browser.close();
server.close();
const d = median(dash), f = median(floor), sl = median(slow);
console.log(`incidents on the board: ${board.incidents.length}; breaches: ${board.breaches.length}; ${runs} runs each`);
console.log(`dashboard first render (navigation → board drawn), median: ${d.toFixed(0)} ms  [runs: ${dash.map((x) => x.toFixed(0)).join(", ")}]`);
console.log(`static page, same rows and marks, no script (load event), median: ${f.toFixed(0)} ms  [runs: ${floor.map((x) => x.toFixed(0)).join(", ")}]`);
console.log(`dashboard first render with the CPU slowed ${slowdown}×, median: ${sl.toFixed(0)} ms  [runs: ${slow.map((x) => x.toFixed(0)).join(", ")}] (${(sl / 1000).toFixed(2)} of the 1 s goal)`);
console.log(`opening the map (every incident's mark and table row drawn), median: ${median(maps).toFixed(0)} ms  [runs: ${maps.map((x) => x.toFixed(0)).join(", ")}]`);
console.log(`ratio dashboard / static floor: ${(d / f).toFixed(2)}; goal: under 1000 ms (${(d / 1000).toFixed(2)} of it)`);
