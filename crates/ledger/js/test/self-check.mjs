// A check of verify.js with Node alone (`node self-check.mjs`): parts the
// ledger crate's differential test does not reach one by one. That test
// (`cargo test -p ledger --test it js::`) is the one that counts.

import assert from 'node:assert/strict';

import {
  base64Decode,
  canonical,
  isPoint,
  isSmallOrder,
  parseCheckpoint,
  parseJson,
  unhex,
  verifyEntry,
  verifyInclusion,
  verifyPack,
} from '../verify.js';

const subtle = globalThis.crypto.subtle;
const sha = async (...parts) => {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return new Uint8Array(await subtle.digest('SHA-256', all));
};

// RFC 8785: order by UTF-16 code units, ES numbers, JSON.stringify escapes.
assert.equal(
  canonical({ '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' }),
  '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
);
assert.equal(canonical([-0, 1e21, 1e-7, 0.000001, 333333333.3333333, 5e-324, 9007199254740993]), '[0,1e+21,1e-7,0.000001,333333333.3333333,5e-324,9007199254740992]');
assert.equal(canonical('\u0000\u001f\u007f"\\/\u2028'), '"\\u0000\\u001f\u007f\\"\\\\/\u2028"');
assert.throws(() => canonical({ a: undefined }), TypeError);
assert.throws(() => canonical(NaN), TypeError);
assert.throws(() => canonical(1n), TypeError);

// JSON as serde_json reads it.
for (const t of ['{"a":[1,2.5,-3e2,true,null,"x\\u00e9\\ud83d\\ude00"]}', '[]', ' 0 ', '{"a":1,"a":2}']) {
  assert.deepEqual(parseJson(t), JSON.parse(t), t);
}
for (const t of ['', '01', '1.', '.5', '+1', '[1,]', '{"a":1,}', '"\\ud800"', '"\\udc00x"', '1e400', '"\u0001"', "'a'", '[1] x', '\ufeff1', 'nul']) {
  assert.throws(() => parseJson(t), { name: 'JsonError' }, JSON.stringify(t));
}
assert.doesNotThrow(() => parseJson('['.repeat(127) + ']'.repeat(127)));
assert.throws(() => parseJson('['.repeat(128) + ']'.repeat(128)), { name: 'JsonError' });
const proto = parseJson('{"__proto__":{"x":1}}');
assert.equal(Object.getPrototypeOf(proto), Object.prototype);
assert.deepEqual(Object.keys(proto), ['__proto__']);
assert.equal(canonical(proto), '{"__proto__":{"x":1}}');

// Base64 and hex as the Rust crates read them.
assert.deepEqual(base64Decode('AQ=='), Uint8Array.of(1));
assert.deepEqual(base64Decode(''), new Uint8Array());
for (const t of ['AR==', 'AQ', 'AQ=', 'A===', '====', 'AQ==AQ==', 'A Q=', 'AQ-_']) assert.equal(base64Decode(t), null, t);
assert.equal(unhex('+a'.padEnd(64, '0')), null);
for (const t of ['-a'.padEnd(64, '0'), 'g'.padEnd(64, '0'), '0'.repeat(63), 'é'.padEnd(63, '0')]) assert.equal(unhex(t), null, t);

// Checkpoints.
const root = 'A'.repeat(43) + '=';
assert.equal(parseCheckpoint(`o\n18446744073709551615\n${root}\n`).size, 18446744073709551615n);
for (const t of [`o\n18446744073709551616\n${root}\n`, `o\n01\n${root}\n`, `\n1\n${root}\n`, `o\n1\n${root}\n\nx\n`, `o\n1\n${root}`, 'o\n1\n']) {
  assert.throws(() => parseCheckpoint(t), { kind: 'bad-checkpoint' }, JSON.stringify(t));
}

// Ed25519 points: every point of the 8-torsion is of small order; the
// base point and its multiples are not.
const P = (1n << 255n) - 19n;
const mod = (a) => ((a % P) + P) % P;
const pow = (b, e) => {
  let r = 1n;
  b = mod(b);
  for (; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) r = (r * b) % P;
  return r;
};
const inv = (a) => pow(a, P - 2n);
const D = mod(-121665n * inv(121666n));
const I = pow(2n, (P - 1n) / 4n);
const sqrt = (a) => {
  let r = pow(a, (P + 3n) / 8n);
  if (mod(r * r - a) !== 0n) r = mod(r * I);
  return mod(r * r - a) === 0n ? r : null;
};
const add = ([x1, y1], [x2, y2]) => {
  const t = mod(D * x1 * x2 * y1 * y2);
  return [mod((x1 * y2 + y1 * x2) * inv(1n + t)), mod((y1 * y2 + x1 * x2) * inv(1n - t))];
};
const times = (n, p) => {
  let r = [0n, 1n];
  for (let i = 0; i < n; i++) r = add(r, p);
  return r;
};
const encode = ([x, y]) => {
  const b = new Uint8Array(32);
  let n = y;
  for (let i = 0; i < 32; i++, n >>= 8n) b[i] = Number(n & 0xffn);
  if (x & 1n) b[31] |= 0x80;
  return b;
};
// An order-8 point: y² = t with d·t² + 2t − 1 = 0.
const t = [mod((-1n + sqrt(mod(1n + D))) * inv(D)), mod((-1n - sqrt(mod(1n + D))) * inv(D))].find((c) => sqrt(c) !== null);
const y8 = sqrt(t);
const T = [sqrt(mod((y8 * y8 - 1n) * inv(D * y8 * y8 + 1n))), y8];
assert.deepEqual(times(8, T), [0n, 1n]);
assert.notDeepEqual(times(4, T), [0n, 1n]);
for (let i = 0; i < 8; i++) {
  const q = times(i, T);
  assert.ok(isPoint(encode(q)) && isSmallOrder(encode(q)), `${i}T`);
}
const yB = mod(4n * inv(5n));
const B = [sqrt(mod((yB * yB - 1n) * inv(D * yB * yB + 1n))), yB];
for (let i = 1; i < 5; i++) {
  const q = add(times(i, B), times(i, T));
  assert.ok(isPoint(encode(q)) && !isSmallOrder(encode(q)), `${i}B + ${i}T`);
}
const two = new Uint8Array(32);
two[0] = 2;
assert.equal(isPoint(two), false);

// Inclusion proofs against RFC 9162's definition, every leaf of every
// tree up to 33 entries.
const leaf = (i) => sha(Uint8Array.of(0), new TextEncoder().encode(String(i)));
const mth = async (leaves) => {
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha(Uint8Array.of(1), await mth(leaves.slice(0, k)), await mth(leaves.slice(k)));
};
const path = async (m, leaves) => {
  if (leaves.length === 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k
    ? [...(await path(m, leaves.slice(0, k))), await mth(leaves.slice(k))]
    : [...(await path(m - k, leaves.slice(k))), await mth(leaves.slice(0, k))];
};
for (let n = 1; n <= 33; n++) {
  const leaves = await Promise.all(Array.from({ length: n }, (_, i) => leaf(i)));
  const r = await mth(leaves);
  for (let m = 0; m < n; m++) {
    const proof = await path(m, leaves);
    assert.deepEqual(await verifyInclusion(m, n, leaves[m], proof, r), { ok: true }, `${m} of ${n}`);
    if (proof.length > 0) {
      const bad = proof.map((h) => h.slice());
      bad[0][0] ^= 1;
      assert.equal((await verifyInclusion(m, n, leaves[m], bad, r)).ok, false);
      assert.equal((await verifyInclusion(m, n, leaves[m], proof.slice(1), r)).ok, false);
    }
  }
  assert.equal((await verifyInclusion(n, n, leaves[0], [], r)).ok, false);
}

// Whatever it is given, verifyPack and verifyEntry resolve to problems
// in words, and never throw.
const proven = { index: 0, entry: {}, proof: [] };
const shape = { format: 'bulwark-evidence-pack/1', breach: 'B1', trigger: 't', framework_hash: 'h', key: 'k', checkpoint: 'c', decision: proven, evidence: [] };
const odd = [undefined, null, 5, 1n, 'x', [], {}, new Uint8Array([0xff]), new ArrayBuffer(0), () => 1, Symbol('s')];
for (const pack of [...odd, ...Object.keys(shape).flatMap((k) => odd.map((v) => ({ ...shape, [k]: v }))), { ...shape, decision: { ...proven, entry: { a: () => 1 } } }]) {
  for (const options of [undefined, null, {}, { trustedKey: 5 }, { trustedKey: 'a+b+c' }]) {
    const r = await verifyPack(pack, options);
    assert.equal(r.ok, false);
    assert.ok(r.problems.length > 0 && r.problems.every((p) => typeof p === 'string' && p.length > 0));
  }
}
for (const args of [[], [0, {}, [], 'x', 'y'], [-1, null, null, null, null], [0, {}, ['zz'], 5, {}]]) {
  const r = await verifyEntry(...args);
  assert.equal(r.ok, false);
  assert.ok(r.problems.length > 0);
}

console.log('verify.js self-check: ok');
