// The dashboard's request signing (../sign.js) against a real node, in
// plain Node 20 (its WebCrypto has Ed25519): no browser needed. Run by
// crates/bulwark/tests/browser_sign.rs, which starts `bulwark serve` in the
// signatures mode, grants the keys, posts a restricted report and revokes
// the auditor's key when asked (a line `REVOKE` on stdout, answered by
// `REVOKED` on stdin).
//
// Environment: NODE_URL; AUDITOR_KEY (a signer key file, granted the
// auditor role to a party the report is released to), AUDITOR_VKEY (its
// verifier key file), REPORTER_KEY (a reporter of another party),
// WITNESS_KEY (a witness's cosigning key file), SECRET (a string of the
// restricted report: its message id), REPORTER_INPUT (one input line the
// reporter may submit).

import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";

import { parseKeyFile, signRequest, KeyFileError, LIFETIME_S } from "../sign.js";

const node = process.env.NODE_URL;
const secret = process.env.SECRET;
const read = (name) => readFileSync(process.env[name], "utf8");
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
let passed = 0;
let failed = 0;

function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (ok) passed++;
  else failed++;
  return ok;
}

async function ask(command) {
  console.log(command);
  const { value } = await lines.next();
  return (value || "").trim();
}

/** A request; its status, code (for a refusal) and text. */
async function send(path, headers = {}, { method = "GET", body } = {}) {
  const r = await fetch(node + path, { method, headers, body });
  const text = await r.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: r.status, code: json?.code, json, text };
}

const RESTRICTED = "/api/v1/board/restricted";
const signedGet = (key, path = RESTRICTED) => signRequest(key, { method: "GET", url: node + path });

async function refusedWith(what, answer, status, code) {
  return check(
    answer.status === status && (code === undefined || answer.code === code),
    `${what}: ${answer.status} ${answer.code || ""} (want ${status}${code ? ` ${code}` : ""}) ${answer.status === status ? "" : answer.text.slice(0, 300)}`,
  );
}

async function rejects(what, promise, kind) {
  try {
    await promise;
    check(false, `${what}: accepted`);
  } catch (e) {
    check(e instanceof KeyFileError && e.kind === kind, `${what}: refused as ${e.kind} (want ${kind}): ${e.message}`);
  }
}

// --- Key files ----------------------------------------------------------

const auditorText = read("AUDITOR_KEY");
const auditor = await parseKeyFile(auditorText);
const fileId = auditorText.trim().split("+")[3];
check(auditor.name === auditorText.trim().split("+")[2], `the auditor's key file is read: ${auditor.name}`);
check(auditor.keyid === auditor.name, "a signature names the key by its name, as `bulwark submit` does");
check(auditor.id === fileId.toLowerCase(), `its key id ${auditor.id} is the file's`);
check(auditor.key.type === "private" && auditor.key.extractable === false, "the WebCrypto key is private and cannot be exported");
const reporter = await parseKeyFile(read("REPORTER_KEY"));

await rejects("a verifier (public) key file", parseKeyFile(read("AUDITOR_VKEY")), "public-key");
await rejects("a witness's cosigning key file", parseKeyFile(read("WITNESS_KEY")), "witness-key");
await rejects("a file that is no key", parseKeyFile("{\"not\": \"a key\"}\n"), "malformed");
await rejects("an empty file", parseKeyFile("\n"), "malformed");
await rejects("two keys in one file", parseKeyFile(`${auditorText.trim()}\n${auditorText.trim()}\n`), "malformed");
const otherId = (fileId[0] === "0" ? "1" : "0") + fileId.slice(1);
await rejects("a key file whose key id was changed", parseKeyFile(auditorText.replace(`+${fileId}+`, `+${otherId}+`)), "malformed");
const parts = auditorText.trim().split("+");
const key64 = parts.slice(4).join("+");
const flipped = key64.slice(0, 10) + (key64[10] === "A" ? "B" : "A") + key64.slice(11);
await rejects("a key file whose key was changed", parseKeyFile([...parts.slice(0, 4), flipped].join("+")), "malformed");

// --- The headers ----------------------------------------------------------

const before = Math.floor(Date.now() / 1000);
const h = await signedGet(auditor);
const input = h["Signature-Input"];
const m = /^sig1=\("@method" "@authority" "@path" "@query"\);created=(\d+);expires=(\d+);nonce="([A-Za-z0-9_-]{22})";keyid="([^"]+)";alg="ed25519"$/.exec(input);
check(m !== null, `Signature-Input as \`bulwark submit\` writes it (no body, so no content-digest): ${input}`);
if (m) {
  check(Number(m[1]) >= before && Number(m[1]) <= before + 2, "created is now");
  check(Number(m[2]) === Number(m[1]) + LIFETIME_S, `expires is ${LIFETIME_S} s after created`);
  check(m[4] === auditor.name, "keyid is the key's name");
}
check(/^sig1=:[A-Za-z0-9+/]{86}==:$/.test(h.Signature), "Signature is one 64-byte Ed25519 signature");
check(!("Content-Digest" in h), "no Content-Digest without a body");
const nonces = new Set();
for (let i = 0; i < 20; i++) nonces.add(/nonce="([^"]+)"/.exec((await signedGet(auditor))["Signature-Input"])[1]);
check(nonces.size === 20, "every signature has its own nonce");

// --- Against the node -------------------------------------------------------

const pub = await send("/api/v1/board");
check(pub.status === 200 && pub.json?.view === "public", "the public board is served");
check(!pub.text.includes(secret), "the public board does not show the restricted report");
await refusedWith("the restricted board unsigned", await send(RESTRICTED), 401, "denied");

const good = await signedGet(auditor);
const first = await send(RESTRICTED, good);
check(first.status === 200, `the auditor's signed request is answered: ${first.status} ${first.status === 200 ? "" : first.text.slice(0, 300)}`);
check(first.json?.view === "restricted", `the board is the restricted view (${first.json?.view})`);
check(first.json?.party === "uk", `for the auditor's party (${first.json?.party})`);
check(first.text.includes(secret), "the restricted report released to that party is shown");
await refusedWith("the same headers sent again", await send(RESTRICTED, good), 401, "replay");
const again = await send(RESTRICTED, await signedGet(auditor));
check(again.status === 200 && again.json?.view === "restricted", `signed afresh, answered again: ${again.status}`);

// Tampered, each signed afresh.
{
  const t = await signedGet(auditor);
  const sig = t.Signature;
  const at = 12;
  t.Signature = sig.slice(0, at) + (sig[at] === "A" ? "B" : "A") + sig.slice(at + 1);
  await refusedWith("a byte of the signature changed", await send(RESTRICTED, t), 401, "bad_signature");
}
{
  const t = await signedGet(auditor);
  t["Signature-Input"] = t["Signature-Input"].replace(/created=(\d+)/, (_, n) => `created=${Number(n) - 1}`);
  await refusedWith("the signature's created changed", await send(RESTRICTED, t), 401, "bad_signature");
}
{
  const t = await signedGet(auditor);
  t["Signature-Input"] = t["Signature-Input"].replace(`keyid="${auditor.name}"`, `keyid="${reporter.name}"`);
  await refusedWith("the signature's keyid changed to another registered key", await send(RESTRICTED, t), 401, "bad_signature");
}
{
  const t = await signedGet(auditor);
  await refusedWith("signed for one query, sent with another", await send(`${RESTRICTED}?view=all`, t), 401, "bad_signature");
}
{
  const t = await signedGet(auditor, "/api/v1/restricted");
  await refusedWith("signed for another path", await send(RESTRICTED, t), 401, "bad_signature");
}
{
  const t = await signRequest(auditor, { method: "GET", url: node + RESTRICTED, now: Math.floor(Date.now() / 1000) - 120 });
  await refusedWith("signed two minutes ago", await send(RESTRICTED, t), 401, "stale");
}

// The reporter: known, but the policy does not let it read restricted views.
await refusedWith("the reporter's signed request (policy)", await send(RESTRICTED, await signedGet(reporter)), 403, "denied");

// With a body: the reporter submits an input, signed with Content-Digest.
{
  const body = `${process.env.REPORTER_INPUT}\n`;
  const t = await signRequest(reporter, { method: "POST", url: `${node}/api/v1/inputs`, body });
  check(/^sig1=\("@method" "@authority" "@path" "@query" "content-digest"\);/.test(t["Signature-Input"]), "with a body, the signature covers content-digest");
  check(/^sha-256=:[A-Za-z0-9+/]{43}=:$/.test(t["Content-Digest"] || ""), "Content-Digest is sha-256");
  const changed = await send("/api/v1/inputs", { ...t, "Content-Type": "application/x-ndjson" }, { method: "POST", body: body.replace("}", ', "x": 1}') });
  await refusedWith("the body changed after signing", changed, 401);
  const t2 = await signRequest(reporter, { method: "post", url: `${node}/api/v1/inputs`, body: new TextEncoder().encode(body) });
  const posted = await send("/api/v1/inputs", { ...t2, "Content-Type": "application/x-ndjson" }, { method: "POST", body });
  check(posted.status === 200 && posted.text.includes('"receipt"'), `the reporter's signed input is taken: ${posted.status} ${posted.text.slice(0, 300)}`);
}

// Revoked: the same key that read the view is refused from then on.
const answer = await ask("REVOKE");
check(answer === "REVOKED", `the auditor's key revoked (${answer})`);
await refusedWith("the revoked key's signed request", await send(RESTRICTED, await signedGet(auditor)), 401, "revoked_key");

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
