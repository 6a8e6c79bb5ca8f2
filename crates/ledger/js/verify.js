// bulwark's evidence packs and log entries, verified in a browser (or in
// Node 20+) with nothing but this file and WebCrypto: SHA-256 and Ed25519
// from `globalThis.crypto.subtle`, no dependencies, no network.
//
// It checks what `ledger::pack::verify` checks, in the same order and
// with the same words wherever the Rust verifier has its own
// (docs/ledger.md, "Verifying in a browser"); the ledger crate's test
// `js::the_browser_verifier_agrees_with_the_rust_one` runs both over the
// same packs, good and broken, and fails on any difference of verdict.
//
// Formats, as in crates/ledger/src:
// - a leaf is SHA-256(0x00 ‖ RFC 8785 bytes of the entry), a node
//   SHA-256(0x01 ‖ left ‖ right) (RFC 9162 §2.1);
// - a checkpoint is a C2SP signed note: the body (origin, size, base64
//   root, extension lines), a blank line, then `— NAME BASE64(KEYID ‖ SIG)`
//   lines; a verifier key is `NAME+HEX(KEYID)+BASE64(0x01 ‖ PUBLIC KEY)`
//   with KEYID the first 4 bytes of SHA-256(NAME ‖ 0x0A ‖ 0x01 ‖ KEY).
//
// A pack is best given as its text or bytes: it is then read as the Rust
// verifier reads it (whole numbers of any size exactly, a field twice
// refused). An object already parsed is also accepted.

export const PACK_FORMAT = 'bulwark-evidence-pack/1';

/** The most signatures a note may carry. */
export const SIGNATURES_MAX = 100;

const U64_MAX = (1n << 64n) - 1n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const encoder = new TextEncoder();

// ---------------------------------------------------------------------
// Problems

/** Why a note, a key or a checkpoint is refused; `message` is the
 * sentence the Rust verifier prints, `kind` one of `malformed`,
 * `bad-key`, `invalid-signature`, `no-verifiable-signature`,
 * `bad-checkpoint`, `unsupported`. */
export class NoteError extends Error {
  constructor(kind, message) {
    super(message);
    this.name = 'NoteError';
    this.kind = kind;
  }
}

const malformed = (why) => new NoteError('malformed', `malformed note: ${why}`);
const badCheckpoint = (why) => new NoteError('bad-checkpoint', `bad checkpoint: ${why}`);

// ---------------------------------------------------------------------
// Bytes, hexadecimal, base64

/** Lower-case hexadecimal. */
export function hex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

const HEX = /^[0-9a-fA-F]$/;

// One byte: two hex digits, nothing else (as `ledger::pack::unhex`).
function hexPair(pair) {
  if (pair.length !== 2) return null;
  return HEX.test(pair[0]) && HEX.test(pair[1]) ? parseInt(pair, 16) : null;
}

/** A 32-byte hash from 64 hex digits (as `ledger::pack::unhex`), or null. */
export function unhex(text) {
  if (typeof text !== 'string' || text.length !== 64) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    const b = hexPair(text.slice(2 * i, 2 * i + 2));
    if (b === null) return null;
    out[i] = b;
  }
  return out;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with its padding, refused unless canonical (as the
 * Rust `base64` crate's STANDARD engine): null when it is not. */
export function base64Decode(text) {
  if (typeof text !== 'string' || text.length % 4 !== 0) return null;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length - pad; i++) {
    const v = B64.indexOf(text[i]);
    if (v < 0) return null;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
    acc &= (1 << bits) - 1;
  }
  // The bits left over in the last symbol must be zero.
  return acc === 0 ? out : null;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function equalBytes(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// ---------------------------------------------------------------------
// WebCrypto

function subtle() {
  const s = globalThis.crypto && globalThis.crypto.subtle;
  if (!s) {
    throw new NoteError(
      'unsupported',
      'this browser gives this page no WebCrypto, so nothing can be checked: open the page over https, from localhost or as a saved file',
    );
  }
  return s;
}

async function sha256(...parts) {
  return new Uint8Array(await subtle().digest('SHA-256', concat(...parts)));
}

// ---------------------------------------------------------------------
// Ed25519 points, for what `verify_strict` refuses beyond the equation:
// a key or an R that is not a point, or is of small order.

const P = (1n << 255n) - 19n;
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function mod(a) {
  const r = a % P;
  return r < 0n ? r + P : r;
}

function pow(b, e) {
  let r = 1n;
  b = mod(b);
  while (e > 0n) {
    if (e & 1n) r = (r * b) % P;
    b = (b * b) % P;
    e >>= 1n;
  }
  return r;
}

const D = mod(-121665n * pow(121666n, P - 2n));

function littleEndian(bytes) {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

// The y coordinate of an encoded point: the low 255 bits, reduced (as
// curve25519-dalek reads it).
function pointY(bytes) {
  const b = Uint8Array.from(bytes);
  b[31] &= 0x7f;
  return mod(littleEndian(b));
}

/** True when 32 bytes are an Edwards point: x² = (y² − 1)/(d·y² + 1)
 * has a root. */
export function isPoint(bytes) {
  const y = pointY(bytes);
  const y2 = (y * y) % P;
  const x2 = (mod(y2 - 1n) * pow(mod(D * y2 + 1n), P - 2n)) % P;
  return x2 === 0n || pow(x2, (P - 1n) / 2n) === 1n;
}

/** True when a point (that is one) has order 1, 2, 4 or 8: y is 1, −1
 * or 0, or (order 8, where x² = −y²) d·y⁴ + 2y² − 1 = 0. */
export function isSmallOrder(bytes) {
  const y = pointY(bytes);
  if (y === 0n || y === 1n || y === P - 1n) return true;
  const y2 = (y * y) % P;
  return mod(D * y2 * y2 + 2n * y2 - 1n) === 0n;
}

async function ed25519Verify(publicKey, message, signature) {
  if (signature.length !== 64) return false;
  const r = signature.subarray(0, 32);
  if (!isPoint(r) || isSmallOrder(r) || isSmallOrder(publicKey)) return false;
  if (littleEndian(signature.subarray(32)) >= L) return false;
  const s = subtle();
  let key;
  try {
    key = await s.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
  } catch (e) {
    if (e && e.name === 'NotSupportedError') {
      throw new NoteError(
        'unsupported',
        'this browser cannot check Ed25519 signatures: use a recent Chromium, Firefox or Safari, or `bulwark verify`',
      );
    }
    return false;
  }
  try {
    return await s.verify({ name: 'Ed25519' }, key, signature, message);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------
// RFC 8785 (JCS)

/** The RFC 8785 canonical text of a JSON value: members sorted by their
 * keys' UTF-16 code units, strings escaped as JSON.stringify does, numbers
 * written as ECMAScript writes them. Throws a TypeError on anything that
 * is not JSON (undefined, a function, a BigInt, NaN, Infinity). */
export function canonical(value) {
  const out = [];
  writeCanonical(value, out);
  return out.join('');
}

function writeCanonical(v, out) {
  if (v === null || v === true || v === false) {
    out.push(String(v));
  } else if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`${v} is not a JSON number`);
    out.push(String(v));
  } else if (typeof v === 'string') {
    out.push(JSON.stringify(v));
  } else if (Array.isArray(v)) {
    out.push('[');
    v.forEach((x, i) => {
      if (i > 0) out.push(',');
      writeCanonical(x, out);
    });
    out.push(']');
  } else if (typeof v === 'object') {
    out.push('{');
    // The default sort compares UTF-16 code units, as RFC 8785 asks.
    Object.keys(v)
      .sort()
      .forEach((k, i) => {
        if (i > 0) out.push(',');
        out.push(JSON.stringify(k), ':');
        writeCanonical(v[k], out);
      });
    out.push('}');
  } else {
    throw new TypeError(`a ${typeof v} is not a JSON value`);
  }
}

/** The leaf hash of an entry: SHA-256(0x00 ‖ its RFC 8785 bytes). */
export async function leafHash(entry) {
  return sha256(Uint8Array.of(0), encoder.encode(canonical(entry)));
}

// ---------------------------------------------------------------------
// JSON, read as serde_json reads it

// Numbers whose text a JS number does not keep (1.0, -0, 1e2, integers
// past 2^53), by container and key; and the first key an object had twice.
const numberText = new WeakMap();
const repeated = new WeakMap();

/** A pack or value that is not JSON: why, and where. */
export class JsonError extends Error {
  constructor(message, line, column) {
    super(`at line ${line} column ${column}: ${message}`);
    this.name = 'JsonError';
    this.line = line;
    this.column = column;
  }
}

/** Parses JSON text as serde_json does: numbers past ±1.8e308 refused,
 * unpaired surrogates refused, at most 127 nested arrays and objects,
 * only whitespace after the value. Keys given twice: the last value kept.
 * Throws a JsonError. */
export function parseJson(text) {
  let i = 0;
  let depth = 128;
  const fail = (why, at = i) => {
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    throw new JsonError(why, line, at - before.lastIndexOf('\n'));
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const enter = () => {
    if (--depth === 0) fail('it nests arrays and objects more than 127 deep');
  };
  const value = (container, key) => {
    space();
    if (i >= text.length) fail('it ends where a value should be');
    const c = text[i];
    if (c === '{') {
      enter();
      i++;
      const obj = {};
      space();
      if (text[i] === '}') {
        i++;
        depth++;
        return obj;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail(i >= text.length ? 'it ends inside an object' : 'a key is not a string');
        const k = string();
        space();
        if (text[i] !== ':') fail('a key is not followed by `:`');
        i++;
        if (Object.prototype.hasOwnProperty.call(obj, k) && !repeated.has(obj)) repeated.set(obj, k);
        const v = value(obj, k);
        Object.defineProperty(obj, k, { value: v, enumerable: true, writable: true, configurable: true });
        space();
        if (text[i] === ',') {
          i++;
          space();
          if (text[i] === '}') fail('a comma before `}`');
          continue;
        }
        if (text[i] === '}') {
          i++;
          depth++;
          return obj;
        }
        fail(i >= text.length ? 'it ends inside an object' : 'expected `,` or `}`');
      }
    }
    if (c === '[') {
      enter();
      i++;
      const arr = [];
      space();
      if (text[i] === ']') {
        i++;
        depth++;
        return arr;
      }
      for (;;) {
        arr.push(value(arr, String(arr.length)));
        space();
        if (text[i] === ',') {
          i++;
          space();
          if (text[i] === ']') fail('a comma before `]`');
          continue;
        }
        if (text[i] === ']') {
          i++;
          depth++;
          return arr;
        }
        fail(i >= text.length ? 'it ends inside a list' : 'expected `,` or `]`');
      }
    }
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number(container, key);
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ]) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    return fail('not a JSON value');
  };
  const number = (container, key) => {
    const m = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
    m.lastIndex = i;
    const found = m.exec(text);
    if (!found) fail('a number is not written as JSON writes numbers');
    const after = text[i + found[0].length];
    if (after !== undefined && /[0-9.eE+-]/.test(after)) fail('a number is not written as JSON writes numbers');
    const lexeme = found[0];
    const n = Number(lexeme);
    if (!Number.isFinite(n)) fail('a number is out of range');
    if (container !== undefined) {
      // A key given twice: only its last value's text counts.
      const texts = numberText.get(container);
      if (String(n) === lexeme) texts?.delete(key);
      else if (texts) texts.set(key, lexeme);
      else numberText.set(container, new Map([[key, lexeme]]));
    }
    i += lexeme.length;
    return n;
  };
  const string = () => {
    i++;
    let s = '';
    for (;;) {
      if (i >= text.length) fail('a string is not closed');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return s;
      }
      if (c < 0x20) fail('a control character inside a string');
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = text.charCodeAt(i + 1);
        if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) fail('text that is not Unicode');
        s += text[i] + text[i + 1];
        i += 2;
        continue;
      }
      if (c !== 0x5c) {
        s += text[i++];
        continue;
      }
      const e = text[i + 1];
      const simple = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }[e];
      if (simple !== undefined) {
        s += simple;
        i += 2;
        continue;
      }
      if (e !== 'u') fail('an unknown escape in a string', i + 1);
      const u = unit(i + 2);
      i += 6;
      if (u >= 0xdc00 && u <= 0xdfff) fail('an unpaired surrogate escape in a string', i - 6);
      if (u >= 0xd800 && u <= 0xdbff) {
        if (text[i] !== '\\' || text[i + 1] !== 'u') fail('an unpaired surrogate escape in a string', i - 6);
        const low = unit(i + 2);
        if (!(low >= 0xdc00 && low <= 0xdfff)) fail('an unpaired surrogate escape in a string', i);
        i += 6;
        s += String.fromCharCode(u, low);
        continue;
      }
      s += String.fromCharCode(u);
    }
  };
  const unit = (at) => {
    const h = text.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) fail('a \\u escape without four hex digits', at);
    return parseInt(h, 16);
  };
  if (typeof text !== 'string') throw new JsonError('not text', 1, 1);
  const v = value(undefined, undefined);
  space();
  if (i < text.length) fail('more after the value');
  return v;
}

function own(obj, key) {
  return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

function isObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v) {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return `${v}`;
  return `a ${typeof v}`;
}

/** A u64 as serde reads one from `container[key]`: a whole number from 0
 * to 2^64 − 1, written without a fraction or exponent. A BigInt, or a
 * sentence saying what is wrong. */
function u64(container, key) {
  const v = own(container, key);
  if (typeof v === 'bigint') return v >= 0n && v <= U64_MAX ? v : 'a whole number from 0 to 2^64 − 1';
  if (typeof v !== 'number') return `a whole number, and is ${typeName(v)}`;
  const text = numberText.get(container)?.get(String(key));
  if (text !== undefined) {
    if (/[.eE]/.test(text) || text === '-0') return `a whole number written without a fraction or exponent, and is ${text}`;
    if (text.startsWith('-')) return `a whole number from 0 up, and is ${text}`;
    const n = BigInt(text);
    return n <= U64_MAX ? n : `a whole number below 2^64, and is ${text}`;
  }
  if (!Number.isInteger(v) || Object.is(v, -0)) return `a whole number, and is ${v}`;
  if (v < 0) return `a whole number from 0 up, and is ${v}`;
  const n = BigInt(v);
  return n <= U64_MAX ? n : `a whole number below 2^64, and is ${v}`;
}

/** A number for a report: a JS number when exact, else decimal text. */
function exact(n) {
  return n <= SAFE ? Number(n) : n.toString();
}

// Reads a serde struct from `value`: an object with exactly `fields` (no
// other) or, as serde also accepts, a list of the fields' values in order
// (`optional` trailing ones may be left out). `once`: a field given twice
// in the text is refused (a struct read from text; one read from a JSON
// value, as a certification's evidence is, keeps the last). Returns the
// fields by name, or throws a string saying what is wrong, at `path`.
function struct(value, path, fields, { optional = 0, once = false } = {}) {
  const where = path === '' ? 'the pack' : `\`${path}\``;
  if (Array.isArray(value)) {
    if (value.length > fields.length || value.length < fields.length - optional) {
      throw `${where} should have ${fields.length} fields, and is a list of ${value.length}`;
    }
    const out = {};
    fields.forEach((f, i) => {
      if (i < value.length) out[f] = { container: value, key: String(i), value: value[i] };
    });
    return out;
  }
  if (!isObject(value)) throw `${where} should be an object, and is ${typeName(value)}`;
  const twice = once ? repeated.get(value) : undefined;
  if (twice !== undefined) throw `${where} has the field \`${twice}\` twice`;
  const out = {};
  for (const k of Object.keys(value)) {
    if (!fields.includes(k)) {
      throw `${where} has a field \`${k}\`, which is not one it has (${fields.join(', ')})`;
    }
    out[k] = { container: value, key: k, value: value[k] };
  }
  fields.slice(0, fields.length - optional).forEach((f) => {
    if (!(f in out)) throw `${where} has no \`${f}\``;
  });
  return out;
}

const join = (path, key) => (path === '' ? key : `${path}.${key}`);

function textField(field, path) {
  if (typeof field.value !== 'string') throw `\`${path}\` should be text, and is ${typeName(field.value)}`;
  return field.value;
}

function index(field, path) {
  const n = u64(field.container, field.key);
  if (typeof n === 'string') throw `\`${path}\` should be ${n}`;
  return n;
}

function list(field, path, each) {
  if (!Array.isArray(field.value)) throw `\`${path}\` should be a list, and is ${typeName(field.value)}`;
  return field.value.map((v, i) => each({ container: field.value, key: String(i), value: v }, `${path}[${i}]`));
}

function proven(field, path) {
  const f = struct(field.value, path, ['index', 'entry', 'proof'], { once: true });
  return {
    index: index(f.index, join(path, 'index')),
    entry: f.entry.value,
    proof: list(f.proof, join(path, 'proof'), textField),
  };
}

const PACK_FIELDS = ['format', 'breach', 'trigger', 'framework_hash', 'key', 'checkpoint', 'decision', 'evidence'];

/** Reads a pack (text, bytes, or a parsed object) as `ledger::pack::parse`
 * does. Returns `{pack}` or `{problem}`. */
export function parsePack(input) {
  let value = input;
  try {
    if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) {
      const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
      let t;
      try {
        t = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
      } catch {
        return { problem: 'not an evidence pack: it is not UTF-8 text' };
      }
      value = parseJson(t);
    } else if (typeof input === 'string') {
      value = parseJson(input);
    }
  } catch (e) {
    return { problem: `not an evidence pack: it is not JSON: ${e.message}` };
  }
  let pack;
  try {
    const f = struct(value, '', PACK_FIELDS, { once: true });
    pack = {
      format: textField(f.format, 'format'),
      breach: textField(f.breach, 'breach'),
      trigger: textField(f.trigger, 'trigger'),
      framework_hash: textField(f.framework_hash, 'framework_hash'),
      key: textField(f.key, 'key'),
      checkpoint: textField(f.checkpoint, 'checkpoint'),
      decision: proven(f.decision, 'decision'),
      evidence: list(f.evidence, 'evidence', proven),
    };
  } catch (e) {
    if (typeof e !== 'string') throw e;
    return { problem: `not an evidence pack: ${e}` };
  }
  if (pack.format !== PACK_FORMAT) {
    return { problem: `format \`${pack.format}\` is not \`${PACK_FORMAT}\`` };
  }
  return { pack };
}

// ---------------------------------------------------------------------
// Keys and signed notes

// Unicode White_Space, as Rust's char::is_whitespace.
const WHITESPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
// Unicode Cc, as Rust's char::is_control.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/u;

/** A key name: not empty, without whitespace, `+` or control characters. */
export function validName(name) {
  return typeof name === 'string' && name !== '' && !name.includes('+') && !WHITESPACE.test(name) && !CONTROL.test(name);
}

/** SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key)[..4]. */
export async function keyId(name, publicKey) {
  return (await sha256(encoder.encode(name), Uint8Array.of(0x0a, 0x01), publicKey)).slice(0, 4);
}

/** Parses a verifier key `NAME+HEX(KEYID)+BASE64(0x01 ‖ KEY)`, its key
 * id checked. Resolves to `{name, id, idHex, publicKey, text}`; rejects
 * with a NoteError (kind `bad-key`) saying what is wrong. */
export async function parseVerifierKey(keyText) {
  const bad = (why) => new NoteError('bad-key', `bad key: \`${keyText}\`: ${why}`);
  if (typeof keyText !== 'string') throw new NoteError('bad-key', 'bad key: a verifier key is text, NAME+KEYID+KEY');
  const first = keyText.indexOf('+');
  const second = first < 0 ? -1 : keyText.indexOf('+', first + 1);
  if (second < 0) throw bad('a verifier key is NAME+KEYID+KEY');
  const name = keyText.slice(0, first);
  const idHex = keyText.slice(first + 1, second);
  const key64 = keyText.slice(second + 1);
  if (!validName(name)) throw bad('the name is empty or has a space, `+` or control character');
  if (!/^[0-9a-fA-F]{8}$/.test(idHex)) throw bad('the key id is not 8 hex digits');
  const id = Uint8Array.from({ length: 4 }, (_, i) => parseInt(idHex.slice(2 * i, 2 * i + 2), 16));
  const raw = base64Decode(key64);
  if (raw === null) throw bad('the key is not base64');
  if (raw.length === 0) throw bad('the key is empty');
  if (raw[0] !== 0x01) {
    throw bad(`the key is of type 0x${raw[0].toString(16).padStart(2, '0')}; only Ed25519 note keys (type 0x01) are accepted here`);
  }
  const publicKey = raw.slice(1);
  if (publicKey.length !== 32) throw bad('an Ed25519 public key has 32 bytes');
  if (!equalBytes(await keyId(name, publicKey), id)) throw bad('the key id does not match the name and key');
  if (!isPoint(publicKey)) throw bad('not a valid Ed25519 public key');
  return { name, id, idHex: hex(id), publicKey, text: `${name}+${hex(id)}+${keyText.slice(second + 1)}` };
}

// A key given as text, or as parseVerifierKey gave it.
async function keyFrom(k) {
  if (typeof k === 'string') return parseVerifierKey(k);
  if (k && typeof k.name === 'string' && k.id instanceof Uint8Array && k.publicKey instanceof Uint8Array) return k;
  throw new NoteError('bad-key', 'bad key: a verifier key is text, NAME+KEYID+KEY');
}

function sameKey(a, b) {
  return a.name === b.name && equalBytes(a.id, b.id) && equalBytes(a.publicKey, b.publicKey);
}

/** Splits a note into its text and signature lines `{name, id, blob}`,
 * as note.rs does; throws a NoteError (kind `malformed`). */
export function parseNote(note) {
  if (typeof note !== 'string') throw malformed('it is not text');
  if (CONTROL_BUT_NEWLINE.test(note)) throw malformed('a control character other than newline');
  if (!note.endsWith('\n')) throw malformed('it does not end with a newline');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const sigs = note.slice(split + 2);
  if (sigs === '') throw malformed('no signature lines');
  const lines = [];
  for (const line of (sigs.endsWith('\n') ? sigs.slice(0, -1) : sigs).split('\n')) {
    if (!line.startsWith('\u2014 ')) throw malformed('a line after the blank line is not a signature (`— NAME SIG`)');
    const rest = line.slice(2);
    const space = rest.indexOf(' ');
    if (space < 0) throw malformed('a signature line without its signature');
    const name = rest.slice(0, space);
    const blob64 = rest.slice(space + 1);
    if (!validName(name) || blob64.includes(' ')) throw malformed("a signature line's name has a space or `+`");
    const blob = base64Decode(blob64);
    if (blob === null) throw malformed('a signature is not base64');
    if (blob.length < 5) throw malformed('a signature is shorter than a key id');
    lines.push({ name, id: blob.slice(0, 4), blob: blob.slice(4) });
    if (lines.length > SIGNATURES_MAX) throw malformed('more than 100 signatures');
  }
  return { text, lines };
}

/** Opens a signed note with one verifier key (text or parsed) or a list of
 * them: every signature by a given key must verify, and at least one must
 * be there; signatures by other keys are listed, not checked. Resolves to
 * `{text, verified, unverified}`; rejects with a NoteError. */
export async function openNote(noteText, verifierKey) {
  const keys = await Promise.all((Array.isArray(verifierKey) ? verifierKey : [verifierKey]).map(keyFrom));
  const { text, lines } = parseNote(noteText);
  const verified = [];
  const unverified = [];
  const message = encoder.encode(text);
  for (const line of lines) {
    const key = keys.find((k) => k.name === line.name && equalBytes(k.id, line.id));
    if (key === undefined) {
      unverified.push(line.name);
      continue;
    }
    if (!(await ed25519Verify(key.publicKey, message, line.blob))) {
      throw new NoteError(
        'invalid-signature',
        `the signature of \`${line.name}\` does not verify: the note was changed or not signed by that key`,
      );
    }
    if (!verified.includes(line.name)) verified.push(line.name);
  }
  if (verified.length === 0) {
    throw new NoteError('no-verifiable-signature', 'the note has no signature by a key given to verify it');
  }
  return { text, verified, unverified };
}

/** Parses a checkpoint body (a note's text): `{origin, size (a BigInt),
 * root (32 bytes), extensions}`; throws a NoteError (kind
 * `bad-checkpoint`). */
export function parseCheckpoint(body) {
  if (typeof body !== 'string' || !body.endsWith('\n')) throw badCheckpoint('it does not end with a newline');
  const lines = body.slice(0, -1).split('\n');
  const origin = lines[0];
  if (origin === '') throw badCheckpoint('no origin line');
  if (lines.length < 2) throw badCheckpoint('no tree size line');
  const sizeText = lines[1];
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText)) {
    throw badCheckpoint('the tree size is not a decimal number without leading zeros');
  }
  const size = BigInt(sizeText);
  if (size > U64_MAX) throw badCheckpoint('the tree size is too large');
  if (lines.length < 3) throw badCheckpoint('no root hash line');
  const root = base64Decode(lines[2]);
  if (root === null || root.length !== 32) throw badCheckpoint('the root hash is not 32 bytes of base64');
  const extensions = lines.slice(3);
  if (extensions.some((e) => e === '')) throw badCheckpoint('an empty extension line');
  return { origin, size, root, extensions };
}

// ---------------------------------------------------------------------
// Inclusion proofs (RFC 9162 §2.1.3.2)

function inclusionLength(index, size) {
  let fn = index;
  let sn = size > 0n ? size - 1n : 0n;
  let n = 0;
  while (sn !== 0n) {
    if ((fn & 1n) === 0n && fn === sn) {
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    }
    fn >>= 1n;
    sn >>= 1n;
    n++;
  }
  return n;
}

function whole(n) {
  if (typeof n === 'bigint') return n >= 0n && n <= U64_MAX ? n : null;
  if (typeof n === 'number') return Number.isSafeInteger(n) && n >= 0 ? BigInt(n) : null;
  if (typeof n === 'string' && /^(0|[1-9][0-9]*)$/.test(n)) return whole(BigInt(n));
  return null;
}

/** Checks that `leaf` (a 32-byte leaf hash) is entry `index` of the tree
 * of `size` entries whose root is `root`, by the proof's hashes (byte
 * arrays). Resolves to `{ok: true}` or `{ok: false, problem}`, the
 * problem in the Rust verifier's words. */
export async function verifyInclusion(index, size, leaf, proof, root) {
  const i = whole(index);
  const n = whole(size);
  if (i === null || n === null) return { ok: false, problem: 'the leaf index and tree size are whole numbers from 0 up' };
  if (i >= n) return { ok: false, problem: `leaf index ${i} is not in a tree of ${n} entries` };
  if (leaf.length !== 32) return { ok: false, problem: `the leaf hash has ${leaf.length} bytes, not the 32 of SHA-256` };
  const want = inclusionLength(i, n);
  if (proof.length !== want) {
    return { ok: false, problem: `the proof has ${proof.length} hashes; a proof for these sizes has ${want}` };
  }
  let fn = i;
  let sn = n - 1n;
  let r = leaf;
  for (const p of proof) {
    if ((fn & 1n) === 1n || fn === sn) {
      r = await sha256(Uint8Array.of(1), p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await sha256(Uint8Array.of(1), r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (equalBytes(r, root)) return { ok: true };
  return { ok: false, problem: `the proof leads to root ${hex(r)}, not the expected ${hex(root)}` };
}

// ---------------------------------------------------------------------
// Log entries

const entryError = (why) => ({ error: `not a log entry: ${why}` });

function field(v, key) {
  return isObject(v) ? own(v, key) : undefined;
}

function textOf(v, key) {
  const t = field(v, key);
  if (typeof t !== 'string') throw `no \`${key}\` text`;
  return t;
}

// Code point order, as Rust's BTreeMap<String> keeps keys.
function byCodePoint(a, b) {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function named(field, path) {
  const f = struct(field.value, path, ['index', 'input']);
  return { index: index(f.index, join(path, 'index')), input: textField(f.input, join(path, 'input')) };
}

function evidence(value) {
  const f = struct(value, 'evidence', ['incidents', 'reviews'], { optional: 1 });
  const incidents = f.incidents.value;
  if (!isObject(incidents)) throw `\`evidence.incidents\` should be an object, and is ${typeName(incidents)}`;
  const byIncident = Object.keys(incidents)
    .sort(byCodePoint)
    .map((k) => [k, list({ container: incidents, key: k, value: incidents[k] }, `evidence.incidents.${k}`, named)]);
  const reviews = f.reviews === undefined ? [] : list(f.reviews, 'evidence.reviews', named);
  return { incidents: byIncident, reviews };
}

/** Reads a log entry as `ledger::entry::Entry::read` does: `{kind:
 * 'input', at, id}`, `{kind: 'restricted', at, commitment}`, `{kind:
 * 'certified', breach, trigger, framework_hash, incidents: [[name,
 * [{index, input}]]], reviews}`, `{kind: 'decision', decision}`, `{kind:
 * 'key', at, party, type}`; or `{error}`. */
export function readEntry(v) {
  try {
    const kind = textOf(v, 'entry');
    if (kind === 'input') {
      if (!isObject(v) || !Object.prototype.hasOwnProperty.call(v, 'input')) return entryError('an input entry without `input`');
      const input = v.input;
      const id = field(input, 'id');
      if (id === undefined) return entryError('an input without `id`');
      const at = textOf(v, 'at');
      return { kind, at, id: `${textOf(id, 'party')}/${textOf(id, 'source')}/${textOf(id, 'message')}` };
    }
    if (kind === 'restricted') {
      const at = textOf(v, 'at');
      const commitment = unhex(textOf(v, 'commitment'));
      if (commitment === null) return entryError('a commitment is 64 hex digits');
      return { kind, at, commitment };
    }
    if (kind === 'decision') {
      const decision = textOf(v, 'decision');
      if (decision !== 'certified') return { kind, decision };
      if (!Object.prototype.hasOwnProperty.call(v, 'evidence')) return entryError('a certification without `evidence`');
      let ev;
      try {
        ev = evidence(v.evidence);
      } catch (e) {
        if (typeof e !== 'string') throw e;
        return entryError(`a certification's \`evidence\`: ${e}`);
      }
      return {
        kind: 'certified',
        breach: textOf(v, 'breach'),
        trigger: textOf(v, 'trigger'),
        framework_hash: textOf(v, 'framework_hash'),
        ...ev,
      };
    }
    if (kind === 'key') {
      const record = field(v, 'key');
      if (!isObject(record)) return entryError('a key entry without a `key` object');
      let party;
      let type;
      if (!Object.prototype.hasOwnProperty.call(record, 'statement')) {
        const t = textOf(record, 'type');
        if (t !== 'enrol') return entryError(`a key entry is an \`enrol\` record or a signed statement, not \`${t}\``);
        textOf(record, 'root');
        party = textOf(record, 'party');
        type = 'enrol';
      } else {
        textOf(record, 'signature');
        party = textOf(record.statement, 'party');
        type = textOf(record.statement, 'type');
      }
      return { kind, at: textOf(v, 'at'), party, type };
    }
    return entryError(`unknown entry kind \`${kind}\``);
  } catch (e) {
    if (typeof e !== 'string') throw e;
    return entryError(e);
  }
}

/** An entry's kind, in the words of messages. */
export function kindOf(e) {
  switch (e.kind) {
    case 'input':
      return 'an input';
    case 'restricted':
      return "a restricted input's commitment";
    case 'certified':
      return 'a certification';
    case 'decision':
      return `a \`${e.decision}\` decision`;
    default:
      return e.type === 'enrol' ? "a root key's enrolment" : `a \`${e.type}\` key statement`;
  }
}

function describe(value) {
  const e = readEntry(value);
  if (e.error) return '(unreadable)';
  return e.kind === 'input' ? `\`${e.id}\`` : kindOf(e);
}

// ---------------------------------------------------------------------
// Packs

// Why `p` does not prove into the checkpoint's tree, if it does not.
async function prove(cp, what, p) {
  const proof = p.proof.map(unhex);
  if (proof.some((h) => h === null)) return `${what} (log entry ${p.index}): a proof hash is not 64 hex digits`;
  let leaf;
  try {
    leaf = await leafHash(p.entry);
  } catch (e) {
    if (e instanceof NoteError) throw e;
    return `${what} (log entry ${p.index}) cannot be hashed: it holds something that is not JSON (${e.message})`;
  }
  const r = await verifyInclusion(p.index, cp.size, leaf, proof, cp.root);
  if (r.ok) return null;
  return `${what} (log entry ${p.index}) is not in the log of the checkpoint (size ${cp.size}): ${r.problem}; the entry or its proof was changed`;
}

/** Checks an evidence pack with nothing else, as `ledger::pack::verify`
 * does. `pack` is the pack's text or bytes (best: read exactly as the
 * Rust verifier reads it) or a parsed object. With `trustedKey` (a
 * verifier key line), the checkpoint must be signed by that key; without,
 * by the key the pack names, which shows integrity but not who signed.
 *
 * Never throws. Resolves to `{ok, problems, report}`: `problems` lists
 * every problem found (empty when ok); `report` (null unless ok) holds
 * breach, trigger, framework_hash, origin, size, root (hex), key_name,
 * key_id (hex), key_trusted, decision_index, incidents, observations,
 * restricted, reviews. `size` and `decision_index` are numbers, or decimal
 * text past 2^53. */
export async function verifyPack(pack, options = {}) {
  try {
    return await checkPack(pack, options ? options.trustedKey : undefined);
  } catch (e) {
    const why = e instanceof NoteError ? e.message : `the pack could not be checked: ${e && e.message ? e.message : e}`;
    return { ok: false, problems: [why], report: null };
  }
}

async function checkPack(input, trustedKey) {
  const refuse = (problem) => ({ ok: false, problems: [problem], report: null });
  subtle();
  const parsed = parsePack(input);
  if (parsed.problem) return refuse(parsed.problem);
  const pack = parsed.pack;
  let own;
  try {
    own = await parseVerifierKey(pack.key);
  } catch (e) {
    if (e.kind !== 'bad-key') throw e;
    return refuse(`the pack's key: ${e.message}`);
  }
  let key = own;
  const trusted = trustedKey !== undefined && trustedKey !== null;
  if (trusted) {
    let t;
    try {
      t = await keyFrom(trustedKey);
    } catch (e) {
      if (e.kind !== 'bad-key') throw e;
      return refuse(`the key you gave: ${e.message}`);
    }
    if (!sameKey(t, own)) {
      return refuse(
        `the pack's log key is \`${own.name}\` (${hex(own.id)}), not the key you gave, \`${t.name}\` (${hex(t.id)})`,
      );
    }
    key = t;
  }
  let cp;
  try {
    const opened = await openNote(pack.checkpoint, key);
    cp = parseCheckpoint(opened.text);
  } catch (e) {
    if (!(e instanceof NoteError) || e.kind === 'unsupported') throw e;
    return refuse(`the checkpoint: ${e.message}`);
  }
  const problems = [];
  const note = (p) => {
    if (p !== null) problems.push(p);
  };

  // Every entry proves into the checkpoint.
  note(await prove(cp, 'the certification', pack.decision));
  const held = new Map();
  for (const p of pack.evidence) {
    note(await prove(cp, `evidence entry ${describe(p.entry)}`, p));
    if (held.has(p.index)) problems.push(`log entry ${p.index} is in the pack twice`);
    held.set(p.index, p);
  }

  // The certification is what the pack says it is.
  const cert = readEntry(pack.decision.entry);
  const counts = { incidents: 0, observations: 0, restricted: 0, reviews: 0 };
  if (cert.error) {
    problems.push(`the certification (log entry ${pack.decision.index}): ${cert.error}`);
  } else if (cert.kind !== 'certified') {
    problems.push(`log entry ${pack.decision.index} is ${kindOf(cert)}, not a certification`);
  } else {
    for (const [name, packValue, logged] of [
      ['breach', pack.breach, cert.breach],
      ['trigger', pack.trigger, cert.trigger],
      ['framework hash', pack.framework_hash, cert.framework_hash],
    ]) {
      if (packValue !== logged) {
        problems.push(`the pack's ${name} is \`${packValue}\`, the logged certification's is \`${logged}\``);
      }
    }
    // Every entry the certification names is held, and is what it names.
    const namedIndexes = new Set();
    const items = [
      ...cert.incidents.flatMap(([incident, list]) => list.map((item) => [incident, item])),
      ...cert.reviews.map((item) => [null, item]),
    ];
    for (const [incident, item] of items) {
      namedIndexes.add(item.index);
      const role = incident !== null ? `observation \`${item.input}\` of incident ${incident}` : `review \`${item.input}\``;
      const p = held.get(item.index);
      if (p === undefined) {
        problems.push(
          `the certification names ${role} at log entry ${item.index}, and the pack does not hold it: a pack holds every observation of its incidents, contradicting ones too`,
        );
        continue;
      }
      const e = readEntry(p.entry);
      if (e.error) problems.push(`log entry ${item.index}: ${e.error}`);
      else if (e.kind === 'input' && e.id === item.input) continue;
      else if (e.kind === 'restricted' && incident !== null) counts.restricted++;
      else problems.push(`log entry ${item.index} should be ${role}, and is ${kindOf(e)}`);
    }
    for (const i of [...held.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!namedIndexes.has(i)) problems.push(`log entry ${i} is in the pack but the certification does not name it`);
    }
    counts.incidents = cert.incidents.length;
    counts.observations = cert.incidents.reduce((n, [, list]) => n + list.length, 0);
    counts.reviews = cert.reviews.length;
  }
  if (problems.length > 0) return { ok: false, problems, report: null };
  return {
    ok: true,
    problems: [],
    report: {
      breach: pack.breach,
      trigger: pack.trigger,
      framework_hash: pack.framework_hash,
      origin: cp.origin,
      size: exact(cp.size),
      root: hex(cp.root),
      key_name: key.name,
      key_id: hex(key.id),
      key_trusted: trusted,
      decision_index: exact(pack.decision.index),
      ...counts,
    },
  };
}

/** Checks one log entry: that `entry` (a parsed JSON value) is entry
 * `index` (a number, BigInt or decimal text) of the log whose checkpoint
 * `checkpointNote` is signed by `verifierKey`, by `proof` (hex hashes).
 * Never throws. Resolves to `{ok, problems, origin, size, root, kind}`:
 * origin, size and root (hex) of the checkpoint when its signature
 * verified (else null); `kind` says what the entry is, in words, or null
 * when it is not a readable log entry. */
export async function verifyEntry(index, entry, proof, checkpointNote, verifierKey) {
  const out = { ok: false, problems: [], origin: null, size: null, root: null, kind: null };
  try {
    const e = readEntry(entry);
    out.kind = e.error ? null : kindOf(e);
    let key;
    try {
      key = await keyFrom(verifierKey);
    } catch (err) {
      if (err.kind !== 'bad-key') throw err;
      out.problems.push(`the key: ${err.message}`);
      return out;
    }
    let cp;
    try {
      cp = parseCheckpoint((await openNote(checkpointNote, key)).text);
    } catch (err) {
      if (!(err instanceof NoteError) || err.kind === 'unsupported') throw err;
      out.problems.push(`the checkpoint: ${err.message}`);
      return out;
    }
    out.origin = cp.origin;
    out.size = exact(cp.size);
    out.root = hex(cp.root);
    const i = whole(index);
    if (i === null) {
      out.problems.push(`the log index ${String(index)} is not a whole number from 0 up`);
      return out;
    }
    if (!Array.isArray(proof) || proof.some((h) => typeof h !== 'string')) {
      out.problems.push('the proof is not a list of hashes');
      return out;
    }
    const p = await prove(cp, 'the entry', { index: i, entry, proof });
    if (p !== null) out.problems.push(p);
  } catch (err) {
    out.problems.push(err instanceof NoteError ? err.message : `the entry could not be checked: ${err && err.message ? err.message : err}`);
  }
  out.ok = out.problems.length === 0;
  return out;
}
