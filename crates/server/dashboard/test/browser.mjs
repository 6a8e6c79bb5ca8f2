// Drives bulwark's dashboard in headless Chromium and checks what a person
// would see. Run by crates/bulwark/tests/dashboard.rs, which starts the
// node, posts a live scenario and stops the node when asked (a line
// `STOP-NODE` on stdout, answered by `STOPPED` on stdin).
//
// Environment: DASHBOARD_URL, CHROMIUM, ARTEFACTS (screenshots),
// AUDITOR_TOKEN (a party the restricted report is released to),
// OUTSIDER_TOKEN (one it is not), SECRETS (comma-separated strings of the
// restricted report that the public view must never show), ROTATION_PLAN
// (the plan file the node serves), THIN_URL (a second node serving a plan
// with a unit's stays dropped) and THIN_GAP (`site,from,to` of that stay).

import { chromium } from "playwright-core";
import { createInterface } from "node:readline";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const url = process.env.DASHBOARD_URL;
const artefacts = process.env.ARTEFACTS;
const secrets = (process.env.SECRETS || "").split(",").filter(Boolean);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
let failures = 0;

function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
  return ok;
}

async function ask(command) {
  console.log(command);
  const { value } = await lines.next();
  return (value || "").trim();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const shot = (name) => page.screenshot({ path: join(artefacts, name), fullPage: true });
page.on("pageerror", (e) => check(false, `no script error on the page: ${e.message}`));
// The page must live within its own content security policy.
page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) check(false, `no CSP violation: ${m.text()}`); });
const bodies = [];
page.on("response", async (r) => {
  if (!r.url().startsWith(url)) return;
  try { bodies.push({ url: r.url(), text: await r.text() }); } catch { /* a stream */ }
});

try {
  // Nothing comes from anywhere but the node.
  const outside = [];
  page.on("request", (r) => { if (!r.url().startsWith(url) && !r.url().startsWith("blob:") && !r.url().startsWith("data:")) outside.push(r.url()); });

  // ---------------------------------------------------------------- the board
  await page.goto(url);
  await page.waitForSelector('tr[data-breach="B1"][data-status="certified"]', { timeout: 15000 });
  const rendered = await page.evaluate(() => performance.getEntriesByName("board-rendered")[0]?.startTime);
  console.log(`first render: ${Math.round(rendered)} ms after navigation`);
  const breach = await page.textContent('tr[data-breach="B1"]');
  check(/Missile strike/.test(breach) && /certified/.test(breach), `the certified breach is shown with its trigger: ${breach.replace(/\s+/g, " ").trim()}`);
  const fw = await page.evaluate(() => fetch("/api/v1/framework").then((r) => r.json()));
  const standard = fw.standards.find((s) => s.id === fw.triggers.find((t) => t.id === "trg-missile-salvo").standard);
  check(breach.includes(standard.name), `the breach shows its evidence standard (${standard.name})`);
  const tier = page.locator('tr[data-tier][data-breach="B1"][data-status="fired"]');
  check(await tier.count() >= 1, "a fired tier is shown for B1");
  const tierText = (await tier.first().textContent()).replace(/\s+/g, " ");
  check(/fired/.test(tierText), `the tier row says fired: ${tierText.slice(0, 160)}`);
  const orders = tier.first().locator("li[data-order]");
  check(await orders.count() >= 1, `the fired tier lists its orders (${await orders.count()})`);
  const clocks = page.locator("li[data-order] .clock[data-deadline]");
  check(await clocks.count() >= 1, "each open order has a countdown to its deadline");
  const before = await clocks.first().textContent();
  await page.waitForTimeout(2100);
  const after = await clocks.first().textContent();
  check(before !== after && /left|overdue/.test(after), `the countdown moves: "${before}" → "${after}"`);
  check(await page.locator('[data-trigger="trg-missile-salvo"]').count() === 1, "the trigger table lists the framework's triggers by name");
  await page.waitForSelector(".live.on", { timeout: 15000 }).then(() => check(true, "the live stream is connected")).catch(() => check(false, "the live stream is connected"));
  await shot("board.png");

  // A new decision reaches the board without a reload (server-sent events).
  const sizeBefore = await page.textContent("#log-head");
  await ask("POST-MORE");
  await page.waitForFunction((s) => document.querySelector("#log-head").textContent !== s, sizeBefore, { timeout: 10000 })
    .then(() => check(true, "a new input appears on the board live, without a reload"))
    .catch(() => check(false, "a new input appears on the board live, without a reload"));

  // ---------------------------------------------------------------- traceability
  // Every figure links to log entries that exist and prove into the signed
  // checkpoint; a figure with no entry is a zero.
  const figs = await page.$$eval("a.fig[data-figure]", (as) => as.map((a) => ({ text: a.textContent.trim(), entries: a.dataset.entries, label: a.dataset.label, href: a.getAttribute("href"), visible: !!a.offsetParent || !!a.closest("[data-panel]") })));
  check(figs.length > 20, `the board shows figures (${figs.length})`);
  // Numbers outside a figure: text in the tables and cards that is not a
  // linked figure, a framework value, a clock, a name or an id.
  const numbers = await page.evaluate(() => {
    const skip = "a.fig, [data-framework], .clock, .muted, strong, code, button, a[href^='#'], th";
    const out = [];
    for (const root of document.querySelectorAll("#tab-board table, #summary .card, #incidents table")) {
      const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        if (/\d/.test(n.textContent) && !n.parentElement.closest(skip)) out.push(n.textContent.trim());
      }
    }
    return out;
  });
  check(numbers.length === 0, `every number in the tables is a linked figure, a framework value or a clock (unlinked: ${JSON.stringify(numbers.slice(0, 5))})`);
  const unlinked = figs.filter((f) => f.href !== `#entries=${f.entries}`);
  check(unlinked.length === 0, `every figure links to its entries (${unlinked.length} do not)`);
  const empty = figs.filter((f) => !f.entries && !/^(0|quiet)$/.test(f.text));
  check(empty.length === 0, `a figure without entries is a zero (${JSON.stringify(empty.slice(0, 3))})`);
  const all = new Set();
  for (const f of figs) for (const part of f.entries.split(",").filter(Boolean)) {
    const [a, b] = part.split("-").map(Number);
    for (let i = a; i <= (b ?? a); i++) all.add(i);
  }
  const resolved = await page.evaluate(async (idx) => {
    const out = [];
    for (const i of idx) {
      const r = await fetch(`/api/v1/log/${i}`);
      const j = r.ok ? await r.json() : null;
      out.push({ i, ok: r.ok && j && j.index === i && !!j.entry && Array.isArray(j.proof) && !!j.checkpoint, entry: j?.entry });
    }
    return out;
  }, [...all]);
  const broken = resolved.filter((r) => !r.ok);
  check(all.size > 10 && broken.length === 0, `all ${all.size} log entries behind the figures exist with proofs (${broken.length} broken: ${JSON.stringify(broken.slice(0, 3).map((b) => b.i))})`);
  const entry = new Map(resolved.map((r) => [r.i, r.entry]));
  // The entries behind a figure are the decisions that made it.
  const cert = figs.find((f) => f.label === "B1: certified");
  const certEntries = (cert?.entries || "").split(",").filter(Boolean).map(Number);
  check(certEntries.length === 1 && entry.get(certEntries[0])?.decision === "certified" && entry.get(certEntries[0])?.breach === "B1",
    `"B1: certified" links to B1's certification (${JSON.stringify(certEntries)})`);
  const fired = figs.find((f) => /^B1\/.*: fired$/.test(f.label));
  const firedEntries = (fired?.entries || "").split(",").filter(Boolean).map(Number);
  check(firedEntries.length >= 1 && firedEntries.every((i) => entry.get(i)?.decision === "fired"), `the tier's fired time links to its "fired" decision (${JSON.stringify(firedEntries)})`);
  const due = figs.find((f) => /: due$/.test(f.label));
  const dueEntries = (due?.entries || "").split(",").filter(Boolean).map(Number);
  check(dueEntries.length === 1 && entry.get(dueEntries[0])?.decision === "order_issued", `an order's due time links to its order_issued decision (${JSON.stringify(dueEntries)})`);
  // Opening a figure shows its entries, each proved in the browser.
  await page.click(`a.fig[data-label="B1: certified"]`);
  await page.waitForSelector("#trace:not([hidden]) .proof.ok", { timeout: 10000 });
  check(/in the signed log/.test(await page.textContent("#trace .proof")), "the entries panel proves the entry into the signed checkpoint");
  check((await page.textContent("#trace-what")).includes("B1: certified"), "the entries panel names the figure chosen");
  await shot("entries.png");
  await page.keyboard.press("Escape");
  check(await page.locator("#trace[hidden]").count() === 1, "Esc closes the entries panel");

  // ---------------------------------------------------------------- keyboard
  await page.keyboard.press("2");
  await page.waitForSelector('section[data-panel="map"]:not([hidden])');
  check(true, "key 2 opens the map");
  const zones = await page.locator("#map-svg path[data-zone]").count();
  check(zones >= 3, `the map draws the framework's zones (${zones})`);
  const circles = await page.locator("#map-svg circle[data-incident]").count();
  check(circles >= 1, `incidents are on the map (${circles})`);
  await page.locator("#map-svg circle[data-incident]").first().focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector("#trace:not([hidden])", { timeout: 5000 }).then(() => check(true, "an incident opens its entries with the keyboard")).catch(() => check(false, "an incident opens its entries with the keyboard"));
  await page.keyboard.press("Escape");
  await page.fill("#map-from", "2000-01-01T00:00");
  await page.fill("#map-to", "2000-01-02T00:00");
  await page.dispatchEvent("#map-to", "change");
  check(await page.locator("#map-svg circle[data-incident]").count() === 0, "the time filter hides incidents outside it");
  await page.click('button[data-span="0"]');
  check(await page.locator("#map-svg circle[data-incident]").count() === circles, "'All' shows them again");
  await shot("map.png");

  // ---------------------------------------------------------------- views
  const publicText = await page.evaluate(() => document.documentElement.outerHTML);
  const leakedDom = secrets.filter((s) => publicText.includes(s));
  check(leakedDom.length === 0, `the public view's page never shows the restricted report (${JSON.stringify(leakedDom)})`);
  for (const path of ["/api/v1/board", "/api/v1/status", "/api/v1/incidents", "/api/v1/framework"]) {
    const text = await page.evaluate((p) => fetch(p).then((r) => r.text()), path);
    bodies.push({ url: path, text });
  }
  const leakedWire = bodies.filter((b) => secrets.some((s) => b.text.includes(s))).map((b) => b.url);
  check(leakedWire.length === 0, `nothing the public view received shows it (${bodies.length} responses; leaked in ${JSON.stringify(leakedWire)})`);
  check((await page.textContent("#incidents")).includes("restricted"), "the public view says an incident is withheld because of restricted reports");
  // An auditor of a party it is not released to: still withheld.
  await page.keyboard.press("4");
  await page.fill("#token", process.env.OUTSIDER_TOKEN);
  await page.click('#signin button[type="submit"]');
  await page.waitForFunction(() => /Restricted view/.test(document.querySelector("#view").textContent), null, { timeout: 10000 });
  const outsider = await page.evaluate(() => document.documentElement.outerHTML);
  check(secrets.every((s) => !outsider.includes(s)), "an auditor of a party it is not released to does not see it");
  // The auditor it is released to sees it, and where it was.
  await page.click("#signout");
  await page.fill("#token", process.env.AUDITOR_TOKEN);
  await page.click('#signin button[type="submit"]');
  await page.waitForFunction(() => /Restricted view/.test(document.querySelector("#view").textContent), null, { timeout: 10000 });
  await page.keyboard.press("2");
  await page.waitForSelector('section[data-panel="map"]:not([hidden])');
  const auditor = await page.evaluate(() => document.documentElement.outerHTML);
  check(auditor.includes(secrets[0]), "the auditor it is released to sees the restricted report");
  check(await page.locator("#map-svg circle[data-incident]").count() > circles, "and its place on the map");
  await shot("restricted.png");
  await page.keyboard.press("4");
  await page.click("#signout");
  await page.waitForFunction(() => /Public view/.test(document.querySelector("#view").textContent), null, { timeout: 10000 });

  // ---------------------------------------------------------------- logistics
  // Key 5 opens the Logistics section: the rotation calendar of the plan the
  // node was started with, a row per site and per unit.
  await page.keyboard.press("5");
  await page.waitForSelector('section[data-panel="logistics"]:not([hidden])');
  check(true, "key 5 opens the Logistics section");
  await page.waitForSelector("#tab-logistics[data-drawn] svg.calendar", { timeout: 10000 });
  const plan = JSON.parse(readFileSync(process.env.ROTATION_PLAN, "utf8"));
  const siteRows = await page.$$eval("svg.calendar g[data-site]", (gs) => gs.map((g) => g.dataset.site));
  const unitRows = await page.$$eval("svg.calendar g[data-unit]", (gs) => gs.map((g) => g.dataset.unit));
  const wantSites = plan.sites.map((x) => x.site), wantUnits = plan.units.map((x) => x.unit);
  check(JSON.stringify(siteRows) === JSON.stringify(wantSites), `the calendar has a row for every site (${siteRows.length} of ${wantSites.length})`);
  check(JSON.stringify(unitRows) === JSON.stringify(wantUnits), `and for every unit (${unitRows.length} of ${wantUnits.length})`);
  const stays = await page.locator("svg.calendar rect[data-stint]").count();
  check(stays === plan.units.reduce((n, u) => n + u.stints.length, 0), `every unit's stay is drawn (${stays})`);
  const coveredTitle = await page.locator("svg.calendar rect[data-covered] title").first().textContent();
  check(/^site-[\w-]+, days? \d+/.test(coveredTitle) && /required/.test(coveredTitle), `a covered stretch's title gives site, days and units: ${coveredTitle}`);
  check(await page.locator("svg.calendar .cal-gap").count() === plan.gaps.length, `the plan's gaps, none here, are drawn (${plan.gaps.length})`);
  check(await page.locator('#commitments tr[data-commitment="c-patriot-interceptors"] path[data-due]').count() === 1, "each commitment's schedule is drawn as steps");
  check(await page.locator("#commitments h4[data-party]").count() >= 2, "commitments are grouped by party");
  check(await page.locator('#commitments tr[data-commitment="c-patriot-interceptors"] path[data-received]').count() === 1, "what the recipient confirmed is drawn against the schedule");
  const chain = await page.locator('#commitments [data-chain="c-patriot-interceptors"]').textContent().catch(() => "");
  check(/shipped 60, in transit 30/.test(chain || ""), `the delivery chain shows what was shipped and what is on the way (got ${JSON.stringify(chain)})`);
  const got = await page.locator('#commitments tr[data-commitment="c-patriot-interceptors"] a.fig').allTextContents();
  check(got.includes("30"), `only the confirmed receipt counts as received (got ${JSON.stringify(got)})`);
  const supplyNote = await page.locator("#commitments [data-no-supply]").count();
  const supplyOk = await page.evaluate(() => fetch("/api/v1/supply").then((r) => r.ok, () => false));
  check(supplyOk ? supplyNote === 0 : supplyNote === 1, `without /api/v1/supply the schedule alone is shown, with a note (supply route: ${supplyOk ? "present" : "absent"})`);
  // Days of supply: one chart per stock line the node reports, each with
  // its two curves and its floor; surges shaded when a breach was certified.
  const stockView = await page.evaluate(() => fetch("/api/v1/stock").then((r) => (r.ok ? r.json() : null), () => null));
  const stockLines = stockView?.projection?.lines || [];
  check(stockLines.length > 0, `/api/v1/stock reports the framework's stock lines (${stockLines.length})`);
  const charts = await page.$$eval("#stock figure[data-stock]", (fs) => fs.map((f) => f.dataset.stock));
  check(JSON.stringify(charts) === JSON.stringify(stockLines.map((l) => l.stock)), `a days-of-supply chart per stock line (${charts.length} of ${stockLines.length})`);
  check(await page.locator("#stock polyline.dos-without").count() === stockLines.length && await page.locator("#stock polyline.dos-with").count() === stockLines.length, "one curve of each kind per stock line");
  check(await page.locator("#stock figure line.dos-floor").count() === stockLines.length, "each chart draws its floor");
  const surging = stockLines.filter((l) => (l.without_promised || []).some((p) => p.surge)).length;
  check(await page.locator("#stock figure:has(rect.dos-surge)").count() === surging, `the surges are shaded where the node reports them (${surging} line(s))`);
  const unmarked = await page.evaluate(() => {
    const out = [];
    for (const root of document.querySelectorAll("#tab-logistics table, #tab-logistics > div > p")) {
      const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        if (/\d/.test(n.textContent) && !n.parentElement.closest("a.fig, [data-framework], [data-plan], [data-supply], svg, code, strong, .muted, th")) out.push(n.textContent.trim());
      }
    }
    return out;
  });
  check(unmarked.length === 0, `every number in the Logistics section is a log figure, a framework or plan value (unmarked: ${JSON.stringify(unmarked.slice(0, 5))})`);
  await shot("logistics.png");

  // A thin plan (one unit's stays dropped) on a second node: its gap in red,
  // with its site and days.
  {
    const thin = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    thin.on("pageerror", (e) => check(false, `no script error on the thin plan's page: ${e.message}`));
    thin.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) check(false, `no CSP violation: ${m.text()}`); });
    await thin.goto(process.env.THIN_URL);
    await thin.waitForSelector("#summary .card", { timeout: 15000 });
    await thin.keyboard.press("5");
    await thin.waitForSelector("#tab-logistics[data-drawn] svg.calendar", { timeout: 10000 });
    const [site, from, to] = process.env.THIN_GAP.split(",");
    const gaps = await thin.$$eval(`svg.calendar .cal-gap[data-gap-site="${site}"]`, (gs) => gs.map((g) => ({
      from: Number(g.dataset.from), to: Number(g.dataset.to), missing: Number(g.dataset.missing),
      fill: getComputedStyle(g.querySelector("rect")).fill, title: g.querySelector("title").textContent,
    })));
    const hit = gaps.find((g) => g.from <= Number(to) && g.to >= Number(from));
    check(!!hit, `the dropped stay (${site}, days ${from}–${to}) shows as a gap (${JSON.stringify(gaps.slice(0, 3))})`);
    check(hit && hit.fill === "rgb(176, 0, 32)", `in red (${hit?.fill})`);
    check(hit && hit.title.includes(site) && /days? \d+/.test(hit.title) && /missing/.test(hit.title), `its title names the site, the days and the units missing: ${hit?.title}`);
    const row = (await thin.textContent(`#rotations tr[data-gap="${site}"]`).catch(() => "")) || "";
    check(row.includes(site) && /day/.test(row), `the gaps table lists it: ${row.replace(/\s+/g, " ").trim().slice(0, 120)}`);
    check(await thin.locator('[data-plan-verdict="gaps"]').count() === 1, "the plan is said to have gaps");
    await thin.screenshot({ path: join(artefacts, "logistics-gap.png"), fullPage: true });
    await thin.close();
  }

  // ---------------------------------------------------------------- evidence, offline
  await page.keyboard.press("3");
  await page.waitForSelector('button[data-verify="B1"]:not([disabled])', { timeout: 15000 });
  // Save the pack file, as a person would, while the node is up.
  const saving = page.waitForEvent("download");
  await page.click('[data-pack-card="B1"] a[download]');
  const good = join(artefacts, "pack-B1.json");
  await (await saving).saveAs(good);
  const packText = readFileSync(good, "utf8");
  check((await ask("STOP-NODE")) === "STOPPED", "the node is stopped");
  const reachable = await page.evaluate(() => fetch("/healthz").then(() => true, () => false));
  check(!reachable, "the node is unreachable from the page");
  await page.waitForSelector(".live.off", { timeout: 10000 }).then(() => check(true, "the page says the node is unreachable")).catch(() => check(false, "the page says the node is unreachable"));
  await page.focus('button[data-verify="B1"]');
  await page.keyboard.press("Enter");
  await page.waitForSelector('[data-result="B1"] [data-verdict]', { timeout: 15000 });
  const verdict = await page.getAttribute('[data-result="B1"] [data-verdict]', "data-verdict");
  check(verdict === "ok", `the held pack verifies in the browser with the node stopped: ${(await page.textContent('[data-result="B1"]')).trim().slice(0, 200)}`);
  await shot("evidence-verified-offline.png");

  // A pack file: the good one passes, a tampered one fails visibly.
  await page.setInputFiles("#pack-file", good);
  await page.waitForSelector("#file-result [data-verdict]", { timeout: 15000 });
  check(await page.getAttribute("#file-result [data-verdict]", "data-verdict") === "ok", "the saved pack file verifies");
  const pack = JSON.parse(packText);
  const obs = pack.evidence.find((e) => e.entry.entry === "input");
  obs.entry.input.counts.launched = (obs.entry.input.counts.launched || 0) + 10;
  const bad = join(artefacts, "pack-B1-tampered.json");
  writeFileSync(bad, JSON.stringify(pack, null, 1));
  await page.setInputFiles("#pack-file", bad);
  await page.waitForSelector('#file-result [data-verdict="fail"]', { timeout: 15000 }).catch(() => {});
  const failed = await page.locator('#file-result [data-verdict="fail"]').count();
  const why = (await page.textContent("#file-result")).trim();
  check(failed === 1 && /changed|not in the log/.test(why), `a tampered pack fails visibly: ${why.slice(0, 240)}`);
  await shot("evidence-tampered.png");

  check(outside.length === 0, `nothing was requested from outside the node (${JSON.stringify(outside.slice(0, 3))})`);
} catch (e) {
  check(false, `the checks ran to the end: ${e.stack || e}`);
  await shot("failure.png").catch(() => {});
} finally {
  await browser.close();
}
console.log(failures ? `${failures} check(s) failed` : "all checks passed");
process.exit(failures ? 1 : 0);
