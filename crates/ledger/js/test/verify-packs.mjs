// Runs the browser verifier (../verify.js) over the cases the ledger
// crate's test `js` writes to DIR, and prints its verdicts as one JSON
// document on stdout; the Rust test compares them with its own.
//
//   node verify-packs.mjs DIR
//
// DIR/manifest.json holds `packs` ({name, file, trusted}: a pack's file
// under DIR and the key given, if any), `entries` ({name, index, entry,
// proof, checkpoint, key}) and `canonical` ({name, text}: JSON text).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { canonical, parseJson, verifyEntry, verifyPack } from '../verify.js';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node verify-packs.mjs DIR');
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

const packs = [];
for (const c of manifest.packs) {
  const bytes = new Uint8Array(readFileSync(join(dir, c.file)));
  let verdict;
  try {
    verdict = await verifyPack(bytes, c.trusted === null ? {} : { trustedKey: c.trusted });
  } catch (e) {
    verdict = { ok: null, problems: [`verifyPack threw: ${e && e.stack ? e.stack : e}`], report: null };
  }
  packs.push({ name: c.name, ok: verdict.ok, problems: verdict.problems, report: verdict.report });
}

const entries = [];
for (const c of manifest.entries) {
  let verdict;
  try {
    verdict = await verifyEntry(c.index, c.entry, c.proof, c.checkpoint, c.key);
  } catch (e) {
    verdict = { ok: null, problems: [`verifyEntry threw: ${e && e.stack ? e.stack : e}`] };
  }
  entries.push({ name: c.name, ok: verdict.ok, problems: verdict.problems, size: verdict.size, root: verdict.root });
}

const canonicals = [];
for (const c of manifest.canonical) {
  const out = { name: c.name };
  for (const [field, parse] of [
    ['from_json_parse', JSON.parse],
    ['from_parse_json', parseJson],
  ]) {
    try {
      out[field] = canonical(parse(c.text));
    } catch (e) {
      out[field] = `threw: ${e && e.message ? e.message : e}`;
    }
  }
  canonicals.push(out);
}

const refused = packs.filter((p) => p.ok === false).length;
console.error(`verify.js: ${packs.length} packs (${refused} refused), ${entries.length} entries, ${canonicals.length} values`);
process.stdout.write(JSON.stringify({ packs, entries, canonical: canonicals }));
