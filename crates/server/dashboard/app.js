// bulwark's dashboard: the snapback status board, the map, evidence packs
// verified in the browser, and every figure linked to the log entries
// behind it. Plain modules, no framework, nothing loaded from elsewhere.

import { draw } from "./map.js";
import { verifyPack, verifyEntry } from "./verify.js";
import { parseKeyFile, signRequest } from "./sign.js";

const $ = (id) => document.getElementById(id);
/** How long after the first board the page opens its live stream. */
const LIVE_AFTER_MS = 6000;
const state = {
  fw: null, board: null, offset: 0, token: sessionStorage.getItem("bulwark-token") || "",
  // The parsed key file (sign.js), in memory only; the last refusal of the
  // restricted board.
  signer: null, refusal: null,
  packs: new Map(), loadedAt: null, refreshing: false, again: false,
  /** The board each section was last drawn from. */
  drawn: {},
};

// ------------------------------------------------------------------ helpers

function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** `[3,4,5,9]` → `3-5,9`. */
export function ranges(indexes) {
  const xs = [...new Set(indexes)].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i < xs.length; i++) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    out.push(j > i ? `${xs[i]}-${xs[j]}` : `${xs[i]}`);
    i = j;
  }
  return out.join(",");
}

export function unranges(text) {
  const out = [];
  for (const part of String(text || "").split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const a = Number(m[1]), b = m[2] ? Number(m[2]) : a;
    for (let i = a; i <= b && out.length < 100000; i++) out.push(i);
  }
  return out;
}

/** Entries `[[index, kind], …]`, optionally only some kinds. */
function pick(list, ...kinds) {
  const all = list || [];
  return (kinds.length ? all.filter(([, k]) => kinds.includes(k)) : all).map(([i]) => i);
}

/**
 * A figure: its text, linked to the log entries behind it. A figure with no
 * entry (a count of zero) links to the signed checkpoint it holds at.
 */
function fig(text, indexes, label) {
  const r = ranges(indexes || []);
  return `<a class="fig" data-figure data-entries="${r}" data-label="${esc(label)}" href="#entries=${r}" title="${esc(label)}: ${indexes && indexes.length ? `${indexes.length} log entr${indexes.length === 1 ? "y" : "ies"}` : "no entry up to the current checkpoint"}">${esc(text)}</a>`;
}

/** A value set by the framework, not by the log. */
function fwfig(text, what) {
  return `<span class="fwfig" data-framework title="${esc(what)}: set by the framework (hash ${esc((state.fw?.hash || "").slice(0, 12))})">${esc(text)}</span>`;
}

function badge(status, indexes, label) {
  const s = String(status || "").replace(/[^a-z_]/g, "");
  return `<span class="badge s-${s}">${fig(String(status).replace(/_/g, " "), indexes, label)}</span>`;
}

function when(t) {
  if (!t) return "";
  return String(t).replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, "Z");
}

function clock(deadline, label, done) {
  if (!deadline) return "";
  if (done) return `<span class="muted">due ${esc(when(deadline))}</span>`;
  return `<span class="clock" data-deadline="${esc(deadline)}" aria-label="${esc(label)}"></span>`;
}

function span(ms) {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60), x = s % 60;
  const hms = `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(x).padStart(2, "0")}`;
  return d ? `${d}d ${hms}` : hms;
}

function serverNow() {
  return Date.now() + state.offset;
}

function tick() {
  const now = serverNow();
  for (const c of document.querySelectorAll(".clock[data-deadline]")) {
    const left = Date.parse(c.dataset.deadline) - now;
    c.textContent = left >= 0 ? `${span(left)} left` : `overdue ${span(left)}`;
    c.classList.toggle("over", left < 0);
  }
}

function table(head, rows, empty) {
  if (!rows.length) return `<p class="muted">${esc(empty)}</p>`;
  return `<table><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

const triggerName = (id) => (state.fw?.triggers || []).find((t) => t.id === id)?.name || id;
const tierName = (id) => (state.fw?.tiers || []).find((t) => t.id === id)?.name || id;
const standardOf = (trigger) => {
  const t = (state.fw?.triggers || []).find((x) => x.id === trigger);
  const s = (state.fw?.standards || []).find((x) => x.id === t?.standard);
  return s ? `${s.name || s.id}` : t?.standard || "";
};

// ------------------------------------------------------------------ board

function renderSummary(b) {
  const certified = b.breaches.filter((x) => x.status === "certified");
  const fired = b.activations.filter((a) => a.status === "fired");
  const orders = b.activations.flatMap((a) => a.actions.map((o) => ({ ...o, tier: a.tier, breach: a.breach })));
  const open = orders.filter((o) => o.status === "open" || o.status === "partial");
  const cards = [
    ["Breaches certified", certified.length, certified.flatMap((x) => pick(x.entries, "certified")), false],
    ["Tiers fired", fired.length, fired.flatMap((a) => pick(a.entries, "fired")), false],
    ["Orders open", open.length, open.flatMap((o) => pick(o.entries, "order_issued")), false],
    ["Deadlines missed", b.deadlines_missed.length, b.deadlines_missed.flatMap((m) => pick(m.entries, "deadline_missed")), b.deadlines_missed.length > 0],
    ["Breaches open or under review", b.breaches.filter((x) => x.status === "open" || x.status === "under_review").length,
      b.breaches.filter((x) => x.status === "open" || x.status === "under_review").flatMap((x) => pick(x.entries, "breach_opened", "review_opened")), false],
    ["Incidents", b.incidents.length, b.incidents.flatMap((i) => pick(i.entries, "incident_opened")), false],
  ];
  $("summary").innerHTML = cards.map(([label, n, idx, alert]) =>
    `<div class="card${alert ? " alert" : ""}" data-card="${esc(label)}"><span class="n">${fig(n, idx, label)}</span>${esc(label)}</div>`).join("");
}

function renderTriggers(b) {
  const rows = b.triggers.map((t) => {
    const share = t.threshold ? Math.min(1, t.count / t.threshold) : 0;
    const incidents = pick(t.entries, "incident_opened", "incident_joined");
    const withheld = t.withheld ? ` <span class="muted">(+${t.withheld} withheld: restricted)</span>` : "";
    return `<tr data-trigger="${esc(t.trigger)}"><td><strong>${esc(triggerName(t.trigger))}</strong><br><span class="muted">${esc(t.trigger)}</span></td>
      <td>${fwfig(t.window, "window")}</td>
      <td>${fig(t.count, incidents, `${t.trigger}: count in the window`)} of ${fwfig(t.threshold, "threshold")}${withheld}<svg class="bar${share >= 1 ? " full" : ""}" viewBox="0 0 100 8" width="90" height="8" aria-hidden="true"><rect width="100" height="8" rx="4" class="track"/><rect width="${Math.round(share * 100)}" height="8" rx="4" class="fill"/></svg></td>
      <td>${badge(t.state, t.state === "quiet" ? [] : pick(t.entries), `${t.trigger}: state`)}</td>
      <td>${t.breaches.map((id) => `<a href="#breach-${esc(id)}">${esc(id)}</a>`).join(" ")}</td></tr>`;
  });
  $("triggers").innerHTML = table(["Trigger", "Window", "Count in the window ending now", "State", "Breaches"], rows, "The framework has no trigger.");
}

function renderBreaches(b) {
  const rows = b.breaches.map((x) => {
    const review = x.status === "under_review" ? clock(x.review_deadline, `review clock of ${x.id}`) : "";
    return `<tr id="breach-${esc(x.id)}" data-breach="${esc(x.id)}" data-status="${esc(x.status)}"><td><strong>${esc(x.id)}</strong></td>
      <td>${esc(triggerName(x.trigger))}</td>
      <td>${badge(x.status, pick(x.entries), `${x.id}: status`)}${x.accumulated ? ' <span class="muted">(accumulated)</span>' : ""}</td>
      <td>${esc(standardOf(x.trigger))}</td>
      <td>${fig(when(x.opened_at), pick(x.entries, "breach_opened"), `${x.id}: opened`)}</td>
      <td>${x.certified_at ? fig(when(x.certified_at), pick(x.entries, "certified"), `${x.id}: certified`) : ""}${review ? `review ${review}` : ""}</td>
      <td>${fig(`${x.count.low}–${x.count.high}`, pick(x.entries, "breach_opened", "certified"), `${x.id}: count`)}</td>
      <td>${fig(x.incidents.length, b.incidents.filter((i) => x.incidents.includes(i.id)).flatMap((i) => pick(i.entries, "incident_opened")), `${x.id}: incidents`)}</td>
      <td>${x.certified_at ? `<a href="#evidence" data-pack="${esc(x.id)}">evidence</a>` : ""}</td></tr>`;
  });
  $("breaches").innerHTML = table(["Breach", "Trigger", "Status", "Evidence standard", "Opened", "Certified / review clock", "Count", "Incidents", ""], rows, "No breach.");
}

function renderTiers(b) {
  const rows = b.activations.map((a) => {
    const votes = b.votes.filter((v) => v.breach === a.breach && v.tier === a.tier);
    const counted = votes.filter((v) => v.counted);
    const waiting = ["awaiting_votes", "pending_block_window"].includes(a.status);
    const orders = a.actions.map((o) => {
      const missed = o.status === "missed" || o.status === "failed";
      const done = o.status === "completed" || o.status === "withdrawn";
      return `<li class="${missed ? "missed" : ""}" data-order="${esc(o.order)}"><code>${esc(o.action)}</code> → <strong>${esc(o.party || "—")}</strong>
        ${badge(o.status, pick(o.entries), `${o.order}: status`)}
        ${o.due ? `due ${fig(when(o.due), pick(o.entries, "order_issued"), `${o.order}: due`)} ${clock(o.due, `deadline of ${o.order}`, done || missed)}` : ""}
        ${o.completed_at ? `completed ${fig(when(o.completed_at), pick(o.entries, "order_completed"), `${o.order}: completed`)}` : ""}</li>`;
    }).join("");
    return `<tr data-tier="${esc(a.tier)}" data-breach="${esc(a.breach)}" data-status="${esc(a.status)}"><td><a href="#breach-${esc(a.breach)}">${esc(a.breach)}</a></td>
      <td><strong>${esc(tierName(a.tier))}</strong><br><span class="muted">${esc(a.tier)} · ${esc(String(a.mode).replace(/_/g, " "))}</span></td>
      <td>${badge(a.status, pick(a.entries), `${a.breach}/${a.tier}: status`)}</td>
      <td>${fig(when(a.activated_at), pick(a.entries, "tier_entered"), `${a.breach}/${a.tier}: entered`)}</td>
      <td>${a.fired_at ? `fired ${fig(when(a.fired_at), pick(a.entries, "fired"), `${a.breach}/${a.tier}: fired`)}` : ""}
          ${a.deadline ? `clock ${fig(when(a.deadline), pick(a.entries, "tier_entered", "clock_extended"), `${a.breach}/${a.tier}: deadline`)} ${clock(a.deadline, `clock of ${a.tier}`, !waiting)}` : ""}</td>
      <td>${fig(counted.length, counted.flatMap((v) => pick(v.entries)), `${a.breach}/${a.tier}: votes counted`)} counted${votes.length > counted.length ? `, ${fig(votes.length - counted.length, votes.filter((v) => !v.counted).flatMap((v) => pick(v.entries)), `${a.breach}/${a.tier}: votes not counted`)} not` : ""}</td>
      <td><ul class="orders">${orders || '<li class="muted">no orders</li>'}</ul></td></tr>`;
  });
  $("tiers").innerHTML = table(["Breach", "Tier", "Status", "Entered", "Fired / clock", "Votes", "Orders"], rows, "No tier has been entered.");
}

function renderVotes(b) {
  const rows = b.votes.map((v) => `<tr><td>${esc(v.party)}</td><td>${esc(v.breach)} / ${esc(tierName(v.tier))}</td><td>${esc(v.ballot)}</td>
    <td>${fig(when(v.recorded_at), pick(v.entries, "input"), `vote of ${v.party}: recorded`)}</td>
    <td>${badge(v.counted ? "counted" : "not_counted", pick(v.entries), `vote of ${v.party}`)}${v.reason ? ` <span class="muted">${esc(v.reason)}</span>` : ""}</td></tr>`);
  $("votes").innerHTML = table(["Party", "Breach / tier", "Ballot", "Recorded", "Counted"], rows, "No vote.");
}

function renderMissed(b) {
  const rows = b.deadlines_missed.map((m) => `<tr class="missed" data-order="${esc(m.order)}"><td>${esc(m.party || "—")}</td><td>${esc(m.breach)} / ${esc(tierName(m.tier))}</td><td>${esc(m.action)}</td>
    <td>${fig(when(m.due), pick(m.entries), `${m.order}: missed`)}</td></tr>`);
  $("missed").innerHTML = table(["Party", "Breach / tier", "Order", "Was due"], rows, "No deadline missed.");
}

// ------------------------------------------------------------------ map

function mapWindow() {
  const from = $("map-from").value ? Date.parse($("map-from").value + "Z") : -Infinity;
  const to = $("map-to").value ? Date.parse($("map-to").value + "Z") : Infinity;
  return [from, to];
}

/** The mean of a zone's outer ring (its first polygon), in degrees. */
function zoneCentre(id) {
  const f = (state.fw?.zones?.features || []).find((z) => z.id === id);
  const g = f?.geometry;
  const ring = g?.type === "MultiPolygon" ? g.coordinates[0]?.[0] : g?.type === "Polygon" ? g.coordinates[0] : null;
  if (!ring || !ring.length) return null;
  return ring.reduce((a, p) => [a[0] + p[0] / ring.length, a[1] + p[1] / ring.length], [0, 0]);
}

/** One report of an incident: who, which class, which message — or, when
 * restricted and not released to this view, its log entry only. */
function source(x) {
  if (x.restricted_entry !== undefined) return `<li class="muted">a restricted report (log entry ${esc(x.restricted_entry)})</li>`;
  if (x.input && x.input.restricted_entry !== undefined) return `<li class="muted">a restricted report (log entry ${esc(x.input.restricted_entry)})</li>`;
  const id = x.input ? `${x.input.party}/${x.input.source}/${x.input.message}` : "";
  return `<li><code>${esc(id)}</code> <span class="muted">${esc(x.class || "")}${x.late ? ", late" : ""}</span></li>`;
}

function incidentLabel(i) {
  if (i.withheld) return `${i.id}: ${i.withheld}`;
  return `${i.id}: ${i.kind}${i.weapon ? ` (${i.weapon})` : ""}, ${i.count.low}–${i.count.high}, ${when(i.from)}${i.zone ? `, ${i.zone}` : ""}`;
}

function renderMap(b) {
  const [from, to] = mapWindow();
  const inBreach = new Set(b.breaches.flatMap((x) => x.incidents));
  const shown = b.incidents.filter((i) => {
    if (!i.from) return from === -Infinity && to === Infinity;
    const t = Date.parse(i.from);
    return t >= from && t <= to;
  });
  $("map-count").textContent = `${shown.length} of ${b.incidents.length} incidents`;
  if (state.fw) {
    draw($("map-svg"), state.fw.zones, shown.map((i) => {
      // Reported by zone only: drawn at the zone's centre, hollow.
      const centre = !i.position && i.zone ? zoneCentre(i.zone) : null;
      return {
        id: i.id, position: i.position || centre, approximate: !!centre, count: i.count ? i.count.high : 1,
        breach: inBreach.has(i.id), label: incidentLabel(i) + (centre ? ` — reported by zone, drawn at the centre of ${i.zone}` : ""),
      };
    }), (inc) => { location.hash = `#entries=${ranges(pick(b.incidents.find((x) => x.id === inc.id)?.entries))}`; });
  }
  const rows = shown.slice(0, 2000).map((i) => `<tr data-incident="${esc(i.id)}"><td>${fig(i.id, pick(i.entries), `incident ${i.id}`)}</td>
    <td>${esc(i.kind || "")}${i.weapon ? ` · ${esc(i.weapon)}` : ""}</td>
    <td>${i.from ? fig(when(i.from), pick(i.entries, "input"), `${i.id}: observed`) : ""}</td><td>${esc(i.zone || "")}</td>
    <td>${i.count ? fig(`${i.count.low}–${i.count.high}`, pick(i.entries, "input"), `${i.id}: count`) : ""}</td>
    <td>${fig(i.sources.length, pick(i.entries, "input"), `${i.id}: reports`)}${i.contested ? ' <span class="badge s-escalated">contested</span>' : ""}
      <ul class="sources">${i.sources.map(source).join("")}</ul></td>
    <td>${i.withheld ? `<span class="muted">${esc(i.withheld)}</span>` : ""}</td></tr>`);
  $("incidents").innerHTML = table(["Incident", "Kind", "Observed", "Zone", "Count", "Reports", ""], rows, "No incident in this time filter.");
}

// ------------------------------------------------------------------ evidence

function renderPacks(b) {
  const certified = b.breaches.filter((x) => x.certified_at);
  $("packs").innerHTML = certified.length ? certified.map((x) => {
    const have = state.packs.get(x.id);
    return `<div class="card" data-pack-card="${esc(x.id)}"><strong>${esc(x.id)}</strong> — ${esc(triggerName(x.trigger))}, certified ${esc(when(x.certified_at))}
      <p>${have ? `pack held in this browser (log size ${esc(have.size)})` : '<span class="muted">pack not loaded yet</span>'}</p>
      <button type="button" class="primary" data-verify="${esc(x.id)}" ${have ? "" : "disabled"}>Verify ${esc(x.id)}'s pack here</button>
      <button type="button" data-reload="${esc(x.id)}">Fetch the pack again</button>
      ${have ? `<a href="${have.url}" download="pack-${esc(x.id)}.json">Save the pack file</a>` : ""}
      <div class="pack-result" data-result="${esc(x.id)}" role="status" aria-live="polite"></div></div>`;
  }).join("") : '<p class="muted">No certified breach: no pack yet.</p>';
}

async function fetchPack(id) {
  const r = await fetch(`/api/v1/packs/${encodeURIComponent(id)}`);
  if (!r.ok) throw new Error(`the node answered ${r.status}`);
  const text = await r.text();
  const pack = JSON.parse(text);
  const old = state.packs.get(id);
  if (old) URL.revokeObjectURL(old.url);
  const size = Number((String(pack.checkpoint || "").split("\n")[1]) || 0);
  state.packs.set(id, { pack, size, url: URL.createObjectURL(new Blob([text], { type: "application/json" })) });
}

function showResult(host, res) {
  if (res.ok) {
    const r = res.report || {};
    host.innerHTML = `<div class="result ok" data-verdict="ok"><strong>Verified.</strong> The certification of ${esc(r.breach)} (${esc(r.trigger)}) and its ${esc(r.observations)} observation entries in ${esc(r.incidents)} incident(s)${r.restricted ? `, ${esc(r.restricted)} restricted (as commitments)` : ""}${r.reviews ? ` and ${esc(r.reviews)} review(s)` : ""} are in the log of the checkpoint of size ${esc(r.size)}, signed by ${esc(r.key_name)} (${esc(r.key_id)})${r.key_trusted ? ", the log key this dashboard loaded" : " — the pack's own key only: this proves integrity, not who signed"}.</div>`;
  } else {
    host.innerHTML = `<div class="result fail" data-verdict="fail"><strong>Verification failed.</strong> Do not rely on this pack:<ul>${(res.problems || []).map((p) => `<li>${esc(p)}</li>`).join("")}</ul></div>`;
  }
}

async function verifyHeld(id) {
  const host = document.querySelector(`[data-result="${CSS.escape(id)}"]`);
  const held = state.packs.get(id);
  if (!host || !held) return;
  host.textContent = "verifying…";
  showResult(host, await verifyPack(held.pack, { trustedKey: state.fw?.log_key }));
}

async function verifyFile(file) {
  const host = $("file-result");
  host.textContent = "verifying…";
  let pack;
  try {
    pack = JSON.parse(await file.text());
  } catch (e) {
    showResult(host, { ok: false, problems: [`${file.name} is not a JSON file: ${e.message}`] });
    return;
  }
  showResult(host, await verifyPack(pack, { trustedKey: state.fw?.log_key }));
}

// ------------------------------------------------------------------ entries panel

async function openEntries(text) {
  const idx = unranges(text);
  const panel = $("trace");
  panel.hidden = false;
  // The figure chosen (several may share their entries), else any with them.
  const label = (state.chosen?.entries === text ? state.chosen.label : null)
    || document.querySelector(`a.fig[data-entries="${CSS.escape(text)}"]`)?.dataset.label || "";
  $("trace-title").textContent = idx.length ? `${idx.length} log entr${idx.length === 1 ? "y" : "ies"}` : "No log entry";
  $("trace-what").textContent = label ? `Behind: ${label}` : "";
  const body = $("trace-body");
  if (!idx.length) {
    const b = state.board;
    body.innerHTML = `<p>No entry of the log up to its signed checkpoint of size <strong>${esc(b?.log?.size)}</strong> (root <code>${esc(b?.log?.root)}</code>) makes this figure other than zero.</p><pre>${esc(b?.log?.checkpoint || "")}</pre>`;
    panel.focus();
    return;
  }
  const first = idx.slice(0, 40);
  body.innerHTML = first.map((i) => `<div class="entry" data-entry="${i}"><strong>Entry ${i}</strong> <a href="/api/v1/log/${i}">/api/v1/log/${i}</a> <span class="proof">checking…</span><pre></pre></div>`).join("")
    + (idx.length > first.length ? `<p class="muted">and ${idx.length - first.length} more: ${esc(ranges(idx.slice(40)))}</p>` : "");
  panel.focus();
  await Promise.all(first.map(async (i) => {
    const box = body.querySelector(`[data-entry="${i}"]`);
    try {
      const r = await fetch(`/api/v1/log/${i}`);
      if (!r.ok) throw new Error(`the node answered ${r.status}`);
      const e = await r.json();
      box.querySelector("pre").textContent = JSON.stringify(e.entry, null, 1);
      const kind = e.entry?.decision || e.entry?.entry || "";
      box.querySelector("strong").textContent = `Entry ${i} · ${kind}`;
      const v = await verifyEntry(i, e.entry, e.proof || [], e.checkpoint || "", state.fw?.log_key);
      const p = box.querySelector(".proof");
      p.className = `proof ${v.ok ? "ok" : "fail"}`;
      p.textContent = v.ok ? `✓ in the signed log of size ${v.size}` : `✗ ${v.problems.join("; ")}`;
    } catch (err) {
      box.querySelector(".proof").textContent = `not fetched: ${err.message}`;
    }
  }));
}

function closeEntries() {
  $("trace").hidden = true;
  if (location.hash.startsWith("#entries=")) history.replaceState(null, "", `#${state.tab || "board"}`);
}


// ------------------------------------------------------------------ logistics

/** Site colours in the rotation calendar (SVG fill attributes: the content
 * security policy allows no inline style). */
const SITE_COLOURS = ["#2f6db5", "#3a8f5c", "#8a5cb5", "#c07a1c", "#2a9a9a", "#b5487a", "#6b7d2a", "#5a5fd0", "#8c5a3c", "#4d8fcf"];
const CAL = { label: 230, width: 1180, row: 20, gap: 3, top: 22 };

/** A figure of the rotation plan (not of the log). */
function planfig(text, what) {
  return `<span class="planfig" data-plan title="${esc(what)}: from the rotation plan served by the node, checked against the framework at its start">${esc(text)}</span>`;
}

/** Runs of days with the same value of `key(day)`: `[{from, to, value}]`. */
function runs(days, key) {
  const out = [];
  for (let d = 0; d < days; d++) {
    const v = key(d);
    const last = out[out.length - 1];
    if (last && last.value === v && last.to === d - 1) last.to = d;
    else out.push({ from: d, to: d, value: v });
  }
  return out;
}

const dayText = (from, to) => (from === to ? `day ${from}` : `days ${from}–${to}`);

/** The rotation calendar: a row per site (covered, or short in red with the
 * number missing), then a row per unit (its stays coloured by site, its
 * overhauls hatched), a day axis and a legend. */
export function calendar(plan, report) {
  const days = Math.max(1, Number(plan.days) || 1);
  const sites = plan.sites || [];
  const units = plan.units || [];
  const colour = new Map(sites.map((s, i) => [s.site, SITE_COLOURS[i % SITE_COLOURS.length]]));
  const dx = (CAL.width - CAL.label - 10) / days;
  const x = (d) => CAL.label + d * dx;
  const w = (from, to) => Math.max(0.5, (to - from + 1) * dx - 0.3);
  const gaps = report?.gaps || plan.gaps || [];
  const height = CAL.top + (sites.length + units.length) * CAL.row + 40;
  const parts = [];
  parts.push(`<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f2f2f2"/><line x1="0" y1="0" x2="0" y2="6" stroke="#444" stroke-width="2.5"/></pattern></defs>`);
  // Day axis.
  const step = days <= 31 ? 5 : days <= 120 ? 10 : days <= 400 ? 30 : 90;
  for (let d = 0; d < days; d += step) {
    parts.push(`<line x1="${x(d)}" y1="${CAL.top - 4}" x2="${x(d)}" y2="${height - 30}" class="cal-tick"/><text x="${x(d) + 2}" y="${CAL.top - 8}" class="cal-axis">day ${d}</text>`);
  }
  let y = CAL.top;
  parts.push(`<text x="4" y="${y - 8}" class="cal-head">Sites</text>`);
  for (const site of sites) {
    const byDay = new Map((site.days || []).map((d) => [d.day, d.units || []]));
    const required = Number(site.required) || 0;
    const siteGaps = gaps.filter((g) => g.site === site.site);
    const missingOn = (d) => siteGaps.find((g) => g.from <= d && d <= g.to)?.missing || 0;
    const key = (d) => `${missingOn(d)}|${(byDay.get(d) || []).join(",")}`;
    parts.push(`<g data-site="${esc(site.site)}"><text x="4" y="${y + 14}" class="cal-label">${esc(site.site)} <tspan class="cal-req">(${required})</tspan></text>`);
    for (const r of runs(days, key)) {
      const list = byDay.get(r.from) || [];
      const missing = missingOn(r.from);
      const title = `${site.site}, ${dayText(r.from, r.to)}: ${list.length ? list.join(", ") : "no unit"} (${list.length} of ${required} required)${missing ? ` — ${missing} missing` : ""}`;
      if (missing) {
        parts.push(`<g class="cal-gap" data-gap-site="${esc(site.site)}" data-from="${r.from}" data-to="${r.to}" data-missing="${missing}" tabindex="0" role="img" aria-label="${esc(`gap: ${title}`)}"><title>${esc(`GAP: ${title}`)}</title><rect x="${x(r.from)}" y="${y}" width="${w(r.from, r.to)}" height="${CAL.row - CAL.gap}" class="gap"/>${w(r.from, r.to) >= 12 ? `<text x="${x(r.from) + w(r.from, r.to) / 2}" y="${y + 13}" class="cal-missing">−${missing}</text>` : ""}</g>`);
      } else if (list.length || required === 0) {
        parts.push(`<rect x="${x(r.from)}" y="${y}" width="${w(r.from, r.to)}" height="${CAL.row - CAL.gap}" class="covered" data-covered="${esc(site.site)}" tabindex="0" aria-label="${esc(title)}"><title>${esc(title)}</title></rect>`);
      }
    }
    parts.push("</g>");
    y += CAL.row;
  }
  y += 8;
  parts.push(`<text x="4" y="${y + 4}" class="cal-head">Units</text>`);
  y += 10;
  for (const u of units) {
    parts.push(`<g data-unit="${esc(u.unit)}"><text x="4" y="${y + 14}" class="cal-label">${esc(u.unit)} <tspan class="cal-req">${esc(u.system || "")}</tspan></text>`);
    for (const st of u.stints || []) {
      const title = `${u.unit} at ${st.site}, ${dayText(st.from, st.to)}`;
      parts.push(`<rect x="${x(st.from)}" y="${y}" width="${w(st.from, Math.min(st.to, days - 1))}" height="${CAL.row - CAL.gap}" fill="${colour.get(st.site) || "#888"}" data-stint="${esc(st.site)}" tabindex="0" aria-label="${esc(title)}"><title>${esc(title)}</title></rect>`);
    }
    for (const o of u.overhauls || []) {
      if (o.from >= days) continue;
      const title = `${u.unit} in overhaul at ${o.hub}, ${dayText(o.from, o.to)}`;
      parts.push(`<rect x="${x(o.from)}" y="${y}" width="${w(o.from, Math.min(o.to, days - 1))}" height="${CAL.row - CAL.gap}" fill="url(#hatch)" class="overhaul" data-overhaul="${esc(o.hub)}" tabindex="0" aria-label="${esc(title)}"><title>${esc(title)}</title></rect>`);
    }
    parts.push("</g>");
    y += CAL.row;
  }
  const svg = `<svg class="calendar" viewBox="0 0 ${CAL.width} ${y + 6}" width="${CAL.width}" height="${y + 6}" role="group" aria-label="Rotation calendar, ${days} days: ${sites.length} sites, ${units.length} units">${parts.join("")}</svg>`;
  const legend = `<ul class="legend">
    <li><svg width="22" height="12" aria-hidden="true"><rect width="22" height="12" class="covered"/></svg> site covered</li>
    <li><svg width="22" height="12" aria-hidden="true"><rect width="22" height="12" class="gap"/></svg> gap: units missing (−N)</li>
    <li><svg width="22" height="12" aria-hidden="true"><rect width="22" height="12" fill="url(#hatch-legend)"/><defs><pattern id="hatch-legend" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f2f2f2"/><line x1="0" y1="0" x2="0" y2="6" stroke="#444" stroke-width="2.5"/></pattern></defs></svg> overhaul at a hub</li>
    ${sites.map((s) => `<li><svg width="22" height="12" aria-hidden="true"><rect width="22" height="12" fill="${colour.get(s.site)}"/></svg> at ${esc(s.site)}</li>`).join("")}
    <li class="muted">a unit's row is blank while it travels or waits at its hub</li></ul>`;
  return `<div class="cal-wrap">${svg}</div>${legend}`;
}

function renderRotations(v) {
  const host = $("rotations");
  if (!v.ok) {
    host.innerHTML = v.status === 404
      ? `<p class="muted" data-no-plan>This node serves no rotation plan. Make one with <code>bulwark plan rotations FRAMEWORK --days 180 --out plan.json</code> and start the node with <code>bulwark serve … --rotation-plan plan.json</code>.</p>`
      : `<p class="bad">The rotation plan could not be loaded: ${esc(v.error)}.</p>`;
    return;
  }
  const { plan, report } = v.body;
  const gaps = report?.gaps || [];
  const violations = report?.violations || [];
  const verdict = !gaps.length && !violations.length
    ? `<p class="result ok" data-plan-verdict="proven">Every site covered every day of the plan, checked against the framework at the node's start.</p>`
    : `<p class="result fail" data-plan-verdict="gaps">${gaps.length ? `${planfig(report.gap_days, "uncovered site-days")} uncovered site-day(s) in ${planfig(gaps.length, "gaps")} gap(s)` : ""}${gaps.length && violations.length ? "; " : ""}${violations.length ? `${planfig(violations.length, "broken rules")} rule(s) broken` : ""}.</p>`;
  const summary = `<p>${planfig(plan.days, "days planned")} days planned · ${planfig((plan.sites || []).length, "sites")} sites · ${planfig((plan.units || []).length, "units")} units · framework <code>${esc(String(plan.framework || "").slice(0, 12))}</code>${plan.solver ? ` · found by ${esc(plan.solver.name)} (${esc(plan.solver.status)})` : ""}${v.body.withheld ? ' · <span class="muted">restricted sites and units are left out of this view</span>' : ""}</p>`;
  const gapRows = gaps.map((g) => `<tr class="missed" data-gap="${esc(g.site)}"><td>${esc(g.site)}</td><td>${planfig(dayText(g.from, g.to), `${g.site}: gap`)}</td><td>${planfig(g.missing, `${g.site}: units missing`)}</td><td class="muted">${(g.reasons || []).map(esc).join("<br>")}</td></tr>`);
  host.innerHTML = summary + verdict + calendar(plan, report)
    + (gaps.length ? `<h4>Gaps</h4>${table(["Site", "Days", "Units missing", "Why"], gapRows, "")}` : "")
    + (violations.length ? `<h4>Rules the plan breaks</h4><ul>${violations.map((x) => `<li class="missed">${esc(x)}</li>`).join("")}</ul>` : "");
}

/** `GET` a JSON route: `{ok, status, body}` or `{ok: false, status, error}`. */
async function getJson(path) {
  try {
    const r = await fetch(path);
    if (!r.ok) {
      const why = await r.json().catch(() => ({}));
      return { ok: false, status: r.status, error: why.error || r.statusText };
    }
    return { ok: true, status: r.status, body: await r.json() };
  } catch (e) {
    return { ok: false, status: 0, error: e.message };
  }
}

/** A step chart of one commitment: the schedule (cumulative, by day) and,
 * when known, what was received. */
function stepChart(c, received) {
  const W = 300, H = 90, L = 6, B = 16;
  const schedule = (c.schedule || []).map((s) => [Number(s.day), Number(s.quantity)]);
  const series = (received?.received_series || []).filter((p) => Array.isArray(p) && p.length >= 2).map((p) => [Number(p[0]), Number(p[1])]);
  const maxDay = Math.max(1, ...schedule.map((p) => p[0]), ...series.map((p) => p[0]));
  const maxQ = Math.max(1, Number(c.quantity) || 0, ...schedule.map((p) => p[1]), ...series.map((p) => p[1]));
  const X = (d) => L + (d / maxDay) * (W - 2 * L);
  const Y = (q) => H - B - (q / maxQ) * (H - B - 6);
  const path = (pts) => {
    let q = 0, d = `M${X(0)},${Y(0)}`;
    for (const [day, n] of pts.slice().sort((a, b) => a[0] - b[0])) { d += `H${X(day)}V${Y(n)}`; q = n; }
    return `${d}H${X(maxDay)}`.replace(/NaN/g, "0") + (q < 0 ? "" : "");
  };
  const ticks = schedule.map(([d]) => `<text x="${X(d)}" y="${H - 3}" class="cal-axis" text-anchor="end">day ${d}</text>`).join("");
  return `<svg class="steps" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(`${c.id}: due by day ${schedule.map(([d, n]) => `${d}: ${n}`).join(", ")}${received ? `; received ${received.received}` : ""}`)}">
    <line x1="${L}" y1="${H - B}" x2="${W - L}" y2="${H - B}" class="cal-tick"/>${ticks}
    <path d="${path(schedule)}" class="due-line" data-due="${esc(c.id)}"/>${series.length ? `<path d="${path(series)}" class="got-line" data-received="${esc(c.id)}"/>` : ""}</svg>`;
}

function renderCommitments(supply) {
  const host = $("commitments");
  const list = state.fw?.commitments || [];
  if (!list.length) {
    host.innerHTML = `<p class="muted">The framework has no <code>[[commitment]]</code> visible to this view.</p>`;
    return;
  }
  const got = new Map();
  if (supply.ok) for (const x of supply.body?.commitments || []) if (x && x.id !== undefined) got.set(String(x.id), x);
  const note = supply.ok
    ? `<p class="muted">Received: only what the protected state confirmed receiving, as the node's <code>/api/v1/supply</code> reports the delivery steps logged against each commitment (committed, allocated and shipped by the donor; received by the recipient).</p>`
    : supply.status === 404
      ? `<p class="muted" data-no-supply>This node does not report deliveries (<code>/api/v1/supply</code> answered 404): the schedule alone is shown.</p>`
      : `<p class="muted" data-no-supply>Deliveries could not be loaded (${esc(supply.error)}): the schedule alone is shown.</p>`;
  const parties = [...new Set(list.map((c) => c.party))];
  const received = (r) => {
    const n = Number(r.received) || 0;
    const main = Array.isArray(r.entries)
      ? fig(n, pick(r.entries), `${r.id}: received`)
      : `<span class="supplyfig" data-supply title="${esc(r.id)}: received, as /api/v1/supply reports">${esc(n)}</span>`;
    // The rest of the chain: what the donor says it shipped, and what is
    // still on the way (shipped, not yet confirmed by the recipient).
    const shipped = Number(r.shipped) || 0;
    const shipments = Array.isArray(r.shipments) ? r.shipments : [];
    const transit = shipments.filter((s) => s?.steps?.shipped && !s?.steps?.received).reduce((a, s) => a + (Number(s.steps.shipped.quantity) || 0), 0);
    const flags = Array.isArray(r.flags) ? r.flags : [];
    const chain = r.shipped === undefined ? "" : `<br><span class="muted" data-supply data-chain="${esc(r.id)}" title="${esc(r.id)}: the delivery chain, as /api/v1/supply reports">shipped ${esc(shipped)}${transit ? `, in transit ${esc(transit)}` : ""} · ${esc(shipments.length)} shipment(s)</span>`;
    const warn = flags.length ? `<br><span class="muted" data-supply data-flags="${esc(r.id)}" title="${esc(flags.map((f) => f.message).join("\n"))}">${esc(flags.length)} flag(s): ${esc([...new Set(flags.map((f) => String(f.kind).replace(/_/g, " ")))].join(", "))}</span>` : "";
    return main + chain + warn;
  };
  const groups = parties.map((party) => {
    const rows = list.filter((c) => c.party === party).map((c) => {
      const r = got.get(String(c.id));
      const last = (c.schedule || []).reduce((a, s) => (s.day > (a?.day ?? -1) ? s : a), null);
      return `<tr data-commitment="${esc(c.id)}"><td><strong>${esc(c.id)}</strong><br><span class="muted">${esc(c.item || c.category)}</span></td>
        <td>${fwfig(c.quantity, `${c.id}: quantity committed`)} ${esc(c.unit)}</td>
        <td>${(c.schedule || []).map((s) => `by day ${fwfig(s.day, `${c.id}: schedule day`)}: ${fwfig(s.quantity, `${c.id}: due by day ${s.day}`)}`).join("<br>") || '<span class="muted">no schedule</span>'}</td>
        <td>${r ? received(r) : supply.ok ? '<span class="muted">not reported</span>' : '<span class="muted">—</span>'}${r && last ? ` <span class="muted">of ${esc(last.quantity)} due by day ${esc(last.day)}</span>` : ""}</td>
        <td>${stepChart(c, r)}</td></tr>`;
    });
    return `<h4 data-party="${esc(party)}">${esc(party)}</h4>${table(["Commitment", "Committed", "Schedule (cumulative)", "Received", "Due (steps) and received"], rows, "")}`;
  });
  host.innerHTML = note + `<ul class="legend"><li><svg width="22" height="12" aria-hidden="true"><line x1="0" y1="6" x2="22" y2="6" class="due-line"/></svg> due, cumulative (framework)</li><li><svg width="22" height="12" aria-hidden="true"><line x1="0" y1="6" x2="22" y2="6" class="got-line"/></svg> received</li></ul>` + groups.join("");
}

/** Runs of consecutive days for which `on(point)` holds: `[[from, to], …]`. */
function dayRuns(points, on) {
  const out = [];
  for (const p of points) {
    if (!on(p)) continue;
    const last = out[out.length - 1];
    if (last && last[1] + 1 === p.day) last[1] = p.day; else out.push([p.day, p.day]);
  }
  return out;
}

/** A days-of-supply chart of one `/api/v1/stock` line: both curves, the
 * floor, the surges shaded and the days below the floor marked. */
function dosChart(line, today) {
  const W = 640, H = 170, L = 44, R = 10, T = 10, B = 22;
  const withP = (line.with_promised || []).filter((p) => p && Number.isFinite(Number(p.day)));
  const without = (line.without_promised || []).filter((p) => p && Number.isFinite(Number(p.day)));
  const all = withP.concat(without);
  const floor = Number(line.floor_days) || 0;
  const max = Math.max(1, floor * 2, ...all.map((p) => Number(p.days_of_supply ?? 0)));
  const from = Math.min(...all.map((p) => Number(p.day)), today);
  const to = Math.max(from + 1, ...all.map((p) => Number(p.day)));
  const X = (d) => Math.round(L + ((d - from) * (W - L - R)) / (to - from));
  const Y = (v) => Math.round(H - B - (Math.min(Math.max(v, 0), max) * (H - T - B)) / max);
  const val = (p) => (p.days_of_supply === null || p.days_of_supply === undefined ? max : Number(p.days_of_supply));
  const poly = (pts, cls, curve) => `<polyline class="${cls}" data-curve="${curve}" data-stock-line="${esc(line.stock)}" points="${pts.map((p) => `${X(p.day)},${Y(val(p))}`).join(" ")}"/>`;
  const surges = dayRuns(without, (p) => p.surge).map(([a, b]) => `<rect class="dos-surge" data-surge-from="${a}" data-surge-to="${b}" x="${X(a)}" y="${T}" width="${Math.max(1, X(b + 1) - X(a))}" height="${H - T - B}"><title>surge, ${esc(dayText(a, b))}</title></rect>`).join("");
  const below = dayRuns(without, (p) => p.below_floor).map(([a, b]) => `<rect class="dos-below" data-below-from="${a}" data-below-to="${b}" x="${X(a)}" y="${H - B - 4}" width="${Math.max(1, X(b + 1) - X(a))}" height="4"><title>below the floor without promised deliveries, ${esc(dayText(a, b))}</title></rect>`).join("");
  const step = to - from <= 60 ? 10 : to - from <= 200 ? 30 : 90;
  let ticks = "";
  for (let d = from; d <= to; d += step) ticks += `<line class="cal-tick" x1="${X(d)}" y1="${T}" x2="${X(d)}" y2="${H - B}"/><text class="cal-axis" x="${X(d)}" y="${H - 6}" text-anchor="middle">day ${d}</text>`;
  const yAxis = [0, Math.floor(max / 2), max].map((v) => `<text class="cal-axis" x="${L - 4}" y="${Y(v) + 4}" text-anchor="end">${v} d</text>`).join("");
  const first = (pts) => pts.find((p) => p.below_floor)?.day;
  const fw = first(withP), fo = first(without);
  const start = without[0];
  const summary = `${line.category}: ${start ? (start.days_of_supply === null ? `nothing used on day ${start.day}` : `${start.days_of_supply} days of supply on day ${start.day}`) : "no days"}, ${fo === undefined && fw === undefined ? `never below its ${floor}-day floor up to day ${to}` : `below its ${floor}-day floor ${fo !== undefined ? `from day ${fo} without promised deliveries` : "never without promised deliveries"}, ${fw !== undefined ? `from day ${fw} with them` : "never with them"}`}`;
  return `<figure class="dos" data-stock="${esc(line.stock)}"><figcaption><strong>${esc(`${line.category} (${line.stock}, ${line.unit})`)}</strong> — <span data-dos-summary>${esc(summary)}</span></figcaption>
    <svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(summary)}"><title>${esc(summary)}</title>${surges}${ticks}${yAxis}
    <line class="dos-floor" data-floor-days="${floor}" x1="${L}" y1="${Y(floor)}" x2="${X(to)}" y2="${Y(floor)}"><title>floor: ${floor} days of supply</title></line>${below}
    ${poly(withP, "dos-with", "with_promised")}${poly(without, "dos-without", "without_promised")}</svg></figure>`;
}

function renderStock(v) {
  const host = $("stock");
  if (!v.ok) {
    host.innerHTML = v.status === 404
      ? `<p class="muted" data-no-stock>No days of supply: the node has no entry into force to count days from (start it with --in-force, or give the framework an adopted date).</p>`
      : `<p class="bad">Days of supply could not be loaded: ${esc(v.error)}.</p>`;
    return;
  }
  const p = v.body.projection || {};
  const lines = p.lines || [];
  if (!lines.length) {
    host.innerHTML = `<p class="muted" data-no-stock>The framework has no <code>[[stock]]</code> line visible to this view.</p>`;
    return;
  }
  const breaches = (p.breach_days || []).map((d) => `day ${esc(d)}`).join(", ") || "none";
  host.innerHTML = `<p class="muted">Each <code>[[stock]]</code> line from today (day ${esc(v.body.today)} after the entry into force, ${esc(v.body.day0)}) for ${esc((p.to ?? 0) - (p.from ?? 0))} days: with the deliveries the schedules still promise (solid) and without them (dashed), the receipts the protected state confirmed; surges after the certified breaches (${breaches}) shaded, the floor dashed, days below it in red.</p>
    <ul class="legend"><li><svg width="22" height="12" aria-hidden="true"><line x1="0" y1="6" x2="22" y2="6" class="dos-with"/></svg> with promised deliveries</li><li><svg width="22" height="12" aria-hidden="true"><line x1="0" y1="6" x2="22" y2="6" class="dos-without"/></svg> without</li><li><svg width="22" height="12" aria-hidden="true"><line x1="0" y1="6" x2="22" y2="6" class="dos-floor"/></svg> floor</li><li><svg width="22" height="12" aria-hidden="true"><rect width="22" height="12" class="dos-surge"/></svg> surge</li><li><svg width="22" height="12" aria-hidden="true"><rect y="8" width="22" height="4" class="dos-below"/></svg> below the floor</li></ul>`
    + lines.map((l) => dosChart(l, Number(v.body.today) || 0)).join("");
}

/** The logistics section: the plan is fetched once (it is fixed at the
 * node's start); deliveries at each draw. */
async function renderLogistics() {
  state.rotations ??= getJson("/api/v1/rotations");
  const [rot, supply, stock] = await Promise.all([state.rotations, getJson("/api/v1/supply"), getJson("/api/v1/stock")]);
  try { renderRotations(rot); } catch (e) { $("rotations").innerHTML = `<p class="bad">The rotation plan could not be drawn: ${esc(e.message)}.</p>`; }
  try { renderCommitments(supply); } catch (e) { $("commitments").innerHTML = `<p class="bad">The commitments could not be drawn: ${esc(e.message)}.</p>`; }
  try { renderStock(stock); } catch (e) { $("stock").innerHTML = `<p class="bad">Days of supply could not be drawn: ${esc(e.message)}.</p>`; }
  $("tab-logistics").dataset.drawn = "1";
}

// ------------------------------------------------------------------ loading

function showTab(tab) {
  state.tab = tab;
  for (const p of document.querySelectorAll("[data-panel]")) p.hidden = p.dataset.panel !== tab;
  for (const a of document.querySelectorAll(".tab")) {
    if (a.dataset.tab === tab) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  drawTab(tab);
}

/** Draws a section from the latest board, if it shows an older one: only
 * the section in view is drawn at each refresh (the others when opened). */
function drawTab(tab) {
  const b = state.board;
  if (!b || state.drawn[tab] === b) return;
  state.drawn[tab] = b;
  if (tab === "board") {
    renderSummary(b);
    renderTriggers(b);
    renderBreaches(b);
    renderTiers(b);
    renderVotes(b);
    renderMissed(b);
  } else if (tab === "map") {
    renderMap(b);
  } else if (tab === "evidence") {
    renderPacks(b);
  } else if (tab === "logistics") {
    renderLogistics();
  }
  tick();
}

/** Redraws the evidence section when it is in view (after a pack arrives). */
function packsChanged() {
  state.drawn.evidence = null;
  if (state.tab === "evidence") drawTab("evidence");
}

function route() {
  const h = location.hash.slice(1);
  if (h.startsWith("entries=")) {
    openEntries(h.slice("entries=".length));
    return;
  }
  if (h.startsWith("breach-")) {
    showTab("board");
    document.getElementById(h)?.scrollIntoView();
    return;
  }
  showTab(["board", "map", "evidence", "access", "logistics"].includes(h) ? h : "board");
}

function render() {
  const b = state.board;
  if (!b) return;
  $("view").textContent = b.view === "restricted" ? `Restricted view — ${b.party}` : "Public view";
  $("log-head").innerHTML = `log: <a href="/checkpoint" data-checkpoint title="the signed checkpoint of the log">${esc(b.log.size)} entries</a>, ${esc(b.inputs)} inputs`;
  drawTab(state.tab || "board");
}

async function refresh() {
  if (state.refreshing) { state.again = true; return; }
  state.refreshing = true;
  try {
    const restricted = Boolean(state.signer || state.token);
    const url = restricted ? "/api/v1/board/restricted" : "/api/v1/board";
    const r = await fetch(url, { headers: await credentials(url) });
    if (!r.ok) {
      const why = await r.json().catch(() => ({}));
      if (restricted) throw new Error(refused(r.status, why));
      throw new Error(`the node refused (${r.status}): ${why.error || why.reason || r.statusText}`);
    }
    state.refusal = null;
    const b = await r.json();
    if (!performance.getEntriesByName("board-fetched").length) performance.mark("board-fetched");
    state.offset = Date.parse(b.now) - Date.now();
    state.board = b;
    state.loadedAt = new Date();
    $("error").hidden = true;
    render();
    if (!performance.getEntriesByName("board-rendered").length) performance.mark("board-rendered");
    for (const x of b.breaches.filter((x) => x.certified_at && !state.packs.has(x.id))) {
      fetchPack(x.id).then(packsChanged).catch(() => {});
    }
  } catch (e) {
    $("error").hidden = false;
    $("error").textContent = `The board could not be refreshed: ${e.message}. ${state.loadedAt ? `What you see was loaded at ${state.loadedAt.toISOString().slice(11, 19)}Z.` : ""}`;
  } finally {
    state.refreshing = false;
    if (state.again) { state.again = false; setTimeout(refresh, 200); }
  }
}

function live() {
  const es = new EventSource("/api/v1/stream");
  let timer = null;
  const status = $("live");
  es.onopen = () => { status.className = "live on"; status.textContent = "live"; refresh(); };
  es.onerror = () => { status.className = "live off"; status.textContent = "node unreachable — retrying"; };
  const soon = () => { clearTimeout(timer); timer = setTimeout(refresh, 250); };
  es.addEventListener("decision", soon);
  es.addEventListener("lagged", soon);
}

async function start() {
  try {
    const r = await fetch("/api/v1/framework");
    state.fw = await r.json();
    const f = state.fw;
    $("fw-title").textContent = f.title || f.id || "bulwark";
    $("fw-meta").textContent = `${f.id || ""} · version ${f.version || "?"} · framework ${String(f.hash || "").slice(0, 12)}`;
    $("trusted-key").textContent = f.log_key || "";
  } catch (e) {
    $("error").hidden = false;
    $("error").textContent = `The framework could not be loaded from the node: ${e.message}.`;
  }
  route();
  await refresh();
  // Tools that capture a page once its network is idle (chromium
  // --dump-dom with a virtual-time budget, print to PDF) would wait forever
  // on a stream opened at once: the board is drawn first, and the page goes
  // live a few seconds later, refreshing when the stream opens so nothing
  // decided meanwhile is missed.
  $("live").className = "live wait";
  $("live").textContent = "going live…";
  setTimeout(live, LIVE_AFTER_MS);
  setInterval(tick, 1000);
  // Board figures keep moving even without decisions (windows slide).
  setInterval(refresh, 30000);
}

// ------------------------------------------------------------------ access

/** The node's refusal codes (docs/security.md), in plain words. */
const REFUSALS = {
  revoked_key: "this key has been revoked (or was a root key, since retired): the node takes nothing signed with it any more. Ask your party's operator for another key",
  unknown_key: "the node's key registry has no key of this name: your party's operator grants it with the party's root key (`bulwark keys grant`) and posts the grant to this node first",
  root_key: "this is a party's root key, which signs key statements only, never requests: choose an operational key that it granted",
  denied: "the node knows the key, but its authorization policy does not let it read restricted views (keys with the auditor role do: docs/authorization.md)",
  bad_signature: "the signature does not verify with the key registered under this name: the key file is not the one that was granted",
  stale: "the signature's time is outside what the node accepts (30 seconds either way): check this computer's clock",
  replay: "the node has already taken a request with this signature's nonce, or it was signed before the node last started: try again",
  malformed_signature: "the node could not read the signature",
  bearer_not_enabled: "this node takes signed requests only, no tokens: sign in with your key file",
  bad_token: "the node knows no party with this token",
  rate_limited: "too many requests from this party or address: wait a little and try again",
};

/** Refusals that the same key or token will get again: it is forgotten. */
const FINAL = ["revoked_key", "unknown_key", "root_key", "denied", "bad_signature", "bearer_not_enabled", "bad_token"];

/** The headers that authenticate a GET of `url`: a fresh signature with
 * the key given, or the token, or nothing. `created` is the node's time,
 * as this page knows it, so a browser clock that is off does not matter. */
async function credentials(url) {
  if (state.signer) return signRequest(state.signer, { method: "GET", url, now: Math.floor(serverNow() / 1000) });
  if (state.token) return { Authorization: `Bearer ${state.token}` };
  return {};
}

/** Forgets the key and the token. */
function forget() {
  state.signer = null;
  state.token = "";
  state.refusal = null;
  sessionStorage.removeItem("bulwark-token");
  $("token").value = "";
  $("key-file").value = "";
}

/** Records a refusal of the restricted board and says it in words; a
 * refusal that would come again forgets the key or token, and the public
 * view is loaded instead. Returns the sentence for the error line. */
function refused(status, body) {
  const code = String(body?.code || "");
  const who = state.signer ? `the key ${state.signer.name}` : "the token";
  const words = `${REFUSALS[code] || `the node answered ${status}`} (HTTP ${status}${code ? `, code ${code}` : ""}${body?.error ? `: “${body.error}”` : ""})`;
  const final = FINAL.includes(code);
  if (final) {
    forget();
    state.again = true;
    // The view changes under the reader: the Access section says why.
    if (state.tab !== "access") location.hash = "#access";
  }
  state.refusal = { status, code, error: body?.error || "" };
  $("signin-result").textContent = `The node refused the restricted view to ${who}: ${words}.${final ? " It is forgotten: back to the public view." : ""}`;
  return `the node refused the restricted view to ${who}: ${words}`;
}

/** A refresh of the board once any refresh in flight has ended. */
async function refreshNow() {
  while (state.refreshing) await new Promise((r) => setTimeout(r, 50));
  await refresh();
}

async function signInWithKey() {
  const out = $("signin-result");
  const file = $("key-file").files[0];
  if (!file) {
    out.textContent = "Choose your key file first.";
    return;
  }
  let signer;
  try {
    if (file.size > 64 * 1024) throw new Error("it is far larger than a key file (one line)");
    signer = await parseKeyFile(await file.text());
  } catch (err) {
    out.textContent = `${file.name} cannot sign in: ${err.message}.`;
    return;
  } finally {
    // The page keeps the key object, not the file's choice.
    $("key-file").value = "";
  }
  forget();
  state.signer = signer;
  out.textContent = `Signing in with the key ${signer.name}…`;
  const before = state.loadedAt;
  await refreshNow();
  if (state.signer === signer && state.loadedAt !== before && state.board?.view === "restricted") {
    out.textContent = `Restricted view open for ${state.board.party}, with the key ${signer.name} (key id ${signer.id}). Every request for it is signed afresh in this page; the key stays in this page's memory only, never stored or sent.`;
  } else if (state.signer === signer) {
    // Not refused for good (the node unreachable, a clock, a limit): the
    // key is not kept either; choose it again to retry.
    if (!state.refusal) out.textContent = `The restricted view did not open with the key ${signer.name}: ${$("error").textContent || "no answer from the node"}`;
    forget();
  }
}

// ------------------------------------------------------------------ events

window.addEventListener("hashchange", route);
document.addEventListener("click", (e) => {
  const a = e.target.closest("a.fig");
  if (a) state.chosen = { entries: a.dataset.entries, label: a.dataset.label };
}, true);
document.addEventListener("keydown", (e) => {
  const typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement?.tagName || "");
  if (e.key === "Escape") { closeEntries(); return; }
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  const tabs = { 1: "board", 2: "map", 3: "evidence", 4: "access", 5: "logistics" };
  if (tabs[e.key]) { location.hash = `#${tabs[e.key]}`; e.preventDefault(); }
  if (e.key === "/") { location.hash = "#map"; $("map-from").focus(); e.preventDefault(); }
});
document.addEventListener("click", (e) => {
  const t = e.target.closest("button");
  if (!t) return;
  if (t.dataset.verify) verifyHeld(t.dataset.verify);
  if (t.dataset.reload) fetchPack(t.dataset.reload).then(packsChanged).catch((err) => {
    const host = document.querySelector(`[data-result="${CSS.escape(t.dataset.reload)}"]`);
    if (host) host.textContent = `The pack could not be fetched: ${err.message}. A pack already held can still be verified.`;
  });
  if (t.dataset.span !== undefined) {
    const hours = Number(t.dataset.span);
    const iso = (ms) => new Date(ms).toISOString().slice(0, 16);
    $("map-from").value = hours ? iso(serverNow() - hours * 3600e3) : "";
    $("map-to").value = hours ? iso(serverNow()) : "";
    if (state.board) renderMap(state.board);
  }
});
$("trace-close").addEventListener("click", closeEntries);
$("map-from").addEventListener("change", () => state.board && renderMap(state.board));
$("map-to").addEventListener("change", () => state.board && renderMap(state.board));
$("pack-file").addEventListener("change", (e) => { const f = e.target.files[0]; if (f) verifyFile(f); });
$("signin-key").addEventListener("submit", (e) => { e.preventDefault(); signInWithKey(); });
$("signin").addEventListener("submit", async (e) => {
  e.preventDefault();
  const token = $("token").value.trim();
  forget();
  state.token = token;
  sessionStorage.setItem("bulwark-token", state.token);
  $("signin-result").textContent = "";
  const before = state.loadedAt;
  await refreshNow();
  if (state.loadedAt !== before && state.board?.view === "restricted") {
    $("signin-result").textContent = `Restricted view open for ${state.board.party}.`;
  } else {
    if (!state.refusal) $("signin-result").textContent = "The node did not open the restricted view: see the message above.";
    state.token = "";
    sessionStorage.removeItem("bulwark-token");
  }
});
$("signout").addEventListener("click", async () => {
  forget();
  await refreshNow();
  $("signin-result").textContent = "Public view. The key or token given before is forgotten.";
});

start();
