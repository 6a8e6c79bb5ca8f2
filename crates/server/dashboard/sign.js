// Signed requests from a browser (or Node 20+): an operational key's file
// read into a WebCrypto key, and HTTP Message Signatures (RFC 9421,
// Ed25519) made the way `bulwark submit` makes them and the node checks
// them (crates/httpsig, crates/server/src/auth.rs). No dependencies: the
// curve, hashes and randomness are WebCrypto's.
//
// - A key file is one line `PRIVATE+KEY+NAME+KEYID+BASE64(0x01 ‖ SEED)`
//   (a C2SP signed-note signer key, `bulwark keys generate`), its KEYID
//   the first 4 bytes of SHA-256(NAME ‖ 0x0A ‖ 0x01 ‖ PUBLIC KEY).
// - A signature is labelled `sig1` and covers `@method`, `@authority`,
//   `@path`, `@query` and, with a body, `content-digest` (sha-256); its
//   parameters are, in this order, `created` (now), `expires` (30 s later),
//   `nonce` (16 random bytes, base64url), `keyid` (the key's NAME, which the
//   node looks up in its key registry) and `alg="ed25519"`.
//
// The key is imported non-extractable and is never written anywhere: what
// holds the object `parseKeyFile` returns holds the key, for as long as it
// keeps it.

/** How long a signature stays acceptable after `created`, seconds (as
 * `bulwark submit`). */
export const LIFETIME_S = 30;

/** The signature's label. */
export const LABEL = 'sig1';

/** The derived components every signature covers. */
export const COVERED = ['@method', '@authority', '@path', '@query'];

const ALG_NOTE = 0x01;
const ALG_COSIGNATURE = 0x04;
const encoder = new TextEncoder();

/** Why a key file is refused: `kind` is `public-key`, `witness-key`,
 * `malformed`, `unsupported` (a key this signer cannot use) or
 * `no-ed25519` (this browser's WebCrypto has no Ed25519). */
export class KeyFileError extends Error {
  constructor(kind, message) {
    super(message);
    this.name = 'KeyFileError';
    this.kind = kind;
  }
}

// ---------------------------------------------------------------------
// Bytes

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function base64(bytes, url = false) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const left = bytes.length - i;
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += left > 1 ? B64[(n >> 6) & 63] : '=';
    out += left > 2 ? B64[n & 63] : '=';
  }
  return url ? out.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_') : out;
}

/** Strict standard base64, as the Rust key parser reads it: padded, no
 * whitespace, no stray bits. `null` when it is not. */
function unbase64(text) {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const c = [0, 1, 2, 3].map((k) => (text[i + k] === '=' ? 0 : B64.indexOf(text[i + k])));
    const n = (c[0] << 18) | (c[1] << 12) | (c[2] << 6) | c[3];
    for (const b of [(n >> 16) & 255, (n >> 8) & 255, n & 255]) if (o < out.length) out[o++] = b;
  }
  // The bits after the last byte must be zero (a canonical encoding).
  const last = text.length ? B64.indexOf(text[text.length - 1 - pad]) : 0;
  if ((pad === 1 && (last & 3)) || (pad === 2 && (last & 15))) return null;
  return out;
}

function unbase64url(text) {
  const std = text.replace(/-/g, '+').replace(/_/g, '/');
  return unbase64(std + '='.repeat((4 - (std.length % 4)) % 4));
}

function hex(bytes) {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

function subtle() {
  const s = globalThis.crypto?.subtle;
  if (!s) {
    throw new KeyFileError('no-ed25519', 'this page has no WebCrypto (crypto.subtle): open the dashboard over HTTPS or from localhost, in a current browser');
  }
  return s;
}

// ---------------------------------------------------------------------
// Key files

/** A key name as C2SP names are: non-empty, no space, `+` or control. */
const validName = (name) => name.length > 0 && !/[\s+\p{Cc}]/u.test(name);

/** The PKCS #8 wrapping of an Ed25519 seed (RFC 8410): fixed 16 bytes, then
 * the 32-byte seed. */
const PKCS8_PREFIX = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];

function noEd25519(e) {
  return new KeyFileError('no-ed25519', `this browser cannot sign with Ed25519 through WebCrypto (${e?.message || e}): use a current Chromium, Firefox or Safari`);
}

/**
 * Reads an operational key's file (`bulwark keys generate --out FILE`).
 * Resolves to `{ name, keyid, id, key }`: `name` the key's name, `keyid`
 * what a signature names it by (its name, as `bulwark submit` signs), `id`
 * the file's 8-hex-digit key id (checked against the name and the key),
 * `key` a non-extractable WebCrypto Ed25519 private key. Rejects with a
 * {@link KeyFileError} saying what the file is when it is no signer key.
 */
export async function parseKeyFile(text) {
  if (typeof text !== 'string') throw new KeyFileError('malformed', 'a key file is text');
  const line = text.trim();
  if (!line) throw new KeyFileError('malformed', 'the file is empty: a key file holds one line, PRIVATE+KEY+NAME+KEYID+KEY');
  if (/[\r\n]/.test(line)) {
    throw new KeyFileError('malformed', 'the file has more than one line: a key file holds one line, PRIVATE+KEY+NAME+KEYID+KEY');
  }
  if (!line.startsWith('PRIVATE+KEY+')) {
    const parts = line.split('+');
    if (parts.length >= 3 && validName(parts[0]) && /^[0-9a-fA-F]{8}$/.test(parts[1])) {
      const raw = unbase64(parts.slice(2).join('+'));
      const what = raw && raw[0] === ALG_COSIGNATURE ? "a witness's verifier key" : 'a verifier key';
      throw new KeyFileError('public-key', `this is ${what} (${parts[0]}), the public half that anyone may hold: it cannot sign. Choose the signer key file, whose line starts with PRIVATE+KEY+ (the file \`bulwark keys generate --out FILE\` wrote)`);
    }
    throw new KeyFileError('malformed', 'this is not a key file: a signer key file holds one line, PRIVATE+KEY+NAME+KEYID+KEY (`bulwark keys generate`)');
  }
  const rest = line.slice('PRIVATE+KEY+'.length).split('+');
  if (rest.length < 3) throw new KeyFileError('malformed', 'a signer key is PRIVATE+KEY+NAME+KEYID+KEY, and this one has fewer parts');
  const [name, id] = rest;
  if (!validName(name)) throw new KeyFileError('malformed', 'the key name is empty or has a space, `+` or control character');
  if (!/^[0-9a-fA-F]{8}$/.test(id)) throw new KeyFileError('malformed', 'the key id is not 8 hex digits');
  const raw = unbase64(rest.slice(2).join('+'));
  if (!raw) throw new KeyFileError('malformed', 'the key is not base64');
  if (raw.length === 0) throw new KeyFileError('malformed', 'the key is empty');
  if (raw[0] === ALG_COSIGNATURE) {
    throw new KeyFileError('witness-key', `this is a witness's cosigning key (${name}, \`bulwark keys generate --witness\`): it cosigns checkpoints and never signs requests. Choose an operational key granted to your party`);
  }
  if (raw[0] !== ALG_NOTE) {
    throw new KeyFileError('unsupported', `the key is of type 0x${raw[0].toString(16).padStart(2, '0')}; only Ed25519 note keys (type 0x01) sign requests`);
  }
  if (raw.length !== 33) throw new KeyFileError('malformed', 'an Ed25519 seed has 32 bytes');
  if (!/^[\x20-\x7e]*$/.test(name)) {
    throw new KeyFileError('unsupported', `the key's name \`${name}\` has characters that a signature's keyid cannot carry (printable ASCII only): the node could not be told which key signed`);
  }
  const s = subtle();
  const der = new Uint8Array([...PKCS8_PREFIX, ...raw.subarray(1)]);
  raw.fill(0);
  // The public key, from WebCrypto itself: the seed imported (extractable,
  // for this moment only) and exported as a JWK carries `x`.
  let jwk;
  try {
    const transient = await s.importKey('pkcs8', der, { name: 'Ed25519' }, true, ['sign']);
    jwk = await s.exportKey('jwk', transient);
  } catch (e) {
    throw noEd25519(e);
  } finally {
    der.fill(0);
  }
  const pub = unbase64url(jwk.x || '');
  if (!pub || pub.length !== 32) throw noEd25519('no public key came back');
  const want = await sha256(new Uint8Array([...encoder.encode(name), 0x0a, ALG_NOTE, ...pub]));
  if (hex(want.subarray(0, 4)) !== id.toLowerCase()) {
    throw new KeyFileError('malformed', 'the key id does not match the name and key: the file was changed or is damaged');
  }
  let key;
  try {
    key = await s.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', d: jwk.d, x: jwk.x }, { name: 'Ed25519' }, false, ['sign']);
  } catch (e) {
    throw noEd25519(e);
  }
  jwk.d = '';
  return Object.freeze({ name, keyid: name, id: id.toLowerCase(), key });
}

// ---------------------------------------------------------------------
// Signing

/** A structured-field string (RFC 8941 §3.3.3). */
function sfString(s) {
  if (!/^[\x20-\x7e]*$/.test(s)) throw new TypeError(`\`${s}\` cannot be a structured-field string (printable ASCII only)`);
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The method as `fetch` sends it: the six standard ones upper-cased. */
function fetchMethod(method) {
  const m = String(method || 'GET');
  return ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'].includes(m.toUpperCase()) ? m.toUpperCase() : m;
}

function bodyBytes(body) {
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('signRequest: a body is a string, an ArrayBuffer or a typed array');
}

/**
 * The headers that sign one request: `Signature-Input`, `Signature` and,
 * with a body, `Content-Digest`. Send them with exactly this method, URL
 * and body, once: the nonce is fresh on every call and the node takes each
 * nonce once. `key` is what {@link parseKeyFile} gave; `url` absolute, or
 * relative to the page; `now` (seconds since 1970, default this machine's
 * clock) is `created`.
 */
export async function signRequest(key, { method = 'GET', url, body, now } = {}) {
  if (!key || typeof key.keyid !== 'string' || !key.key) throw new TypeError('signRequest: give the key that parseKeyFile returned');
  const base = globalThis.location?.href;
  const u = base ? new URL(url, base) : new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new TypeError(`signRequest: ${u.protocol} is not HTTP`);
  const created = Math.floor(now ?? Date.now() / 1000);
  const nonce = base64(crypto.getRandomValues(new Uint8Array(16)), true);
  // As the node reads them (crates/httpsig/src/message.rs): the Host the
  // browser sends, lower-cased, without the default port :80; the path as
  // sent; `?` and the query, or `?` alone.
  const authority = u.host.toLowerCase().replace(/:80$/, '');
  const lines = [
    ['"@method"', fetchMethod(method)],
    ['"@authority"', authority],
    ['"@path"', u.pathname || '/'],
    ['"@query"', u.search || '?'],
  ];
  const headers = {};
  if (body !== undefined && body !== null) {
    const digest = `sha-256=:${base64(await sha256(bodyBytes(body)))}:`;
    headers['Content-Digest'] = digest;
    lines.push(['"content-digest"', digest]);
  }
  const params = `(${lines.map(([id]) => id).join(' ')});created=${created};expires=${created + LIFETIME_S}`
    + `;nonce=${sfString(nonce)};keyid=${sfString(key.keyid)};alg="ed25519"`;
  const text = [...lines.map(([id, v]) => `${id}: ${v}`), `"@signature-params": ${params}`].join('\n');
  const sig = new Uint8Array(await subtle().sign({ name: 'Ed25519' }, key.key, encoder.encode(text)));
  headers['Signature-Input'] = `${LABEL}=${params}`;
  headers.Signature = `${LABEL}=:${base64(sig)}:`;
  return headers;
}
