/* skkd — SPDX-License-Identifier: ISC */
/*
 * The offline verifier (/app/): reads a card's QR with the camera (jsQR),
 * checks its COSE_Sign1 with WebCrypto Ed25519 against the keys of the
 * trusted issuers, and its status in their signed status lists, which
 * it keeps in Cache Storage and refreshes on each start with a network.
 * The rules are PROTOCOL.md §1.5-1.6 and §5-7, and those of
 * `skk verify --offline`: VALID only with a fresh signed status, "as of"
 * the list's iat; UNKNOWN when the status is stale or missing; never NOT
 * VALID for lack of data. Nothing scanned is kept after the verdict.
 *
 * Test hook: ?now=UNIX_SECONDS on the page's URL replaces the clock (the
 * browser test uses it to age the cached lists); nothing else reads it.
 */
(function () {
'use strict';

const DATA_CACHE = 'skk-data-v1';
const LIST_BITS = 20;			/* indices per status list: 2^20 */
const LIST_MAX = 1 << 19;		/* bytes of an inflated list */
const LISTS_MAX = 4096;
const REC_LEN = 26;			/* number map record */
const QR_TEXT_MAX = 1024, B32_MAX = 820, COSE_MAX = 512;
const TYP = {
	status: 'application/statuslist+cwt',
	numbers: 'application/skk-numbers+cwt',
	issuer: 'application/skk-issuer+cwt',
	trust: 'application/skk-trustlist+cwt'
};
const STATUS_WORDS = {
	0x1: ['Dicabut', 'Revoked'],
	0x2: ['Dibekukan', 'Suspended'],
	0x3: ['Sudah diganti', 'Replaced'],
	0xC: ['Menunggu pencatatan LPJK', 'Awaiting LPJK recording'],
	0xD: ['Kedaluwarsa', 'Expired']
};

const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);

function now() {
	const t = params.get('now');
	return t !== null && /^[0-9]+$/.test(t) ? Number(t) :
	    Math.floor(Date.now() / 1000);
}

function iso(t) {
	return new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function hex(b) {
	return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function same(a, b) {
	if (a.length !== b.length)
		return false;
	for (let i = 0; i < a.length; i++)
		if (a[i] !== b[i])
			return false;
	return true;
}

/* CBOR (RFC 8949): the definite-length subset our documents use. */

function cborDecode(buf) {
	let p = 0;
	const td = new TextDecoder('utf-8', { fatal: true });

	function need(n) {
		if (n > buf.length - p)
			throw new Error('truncated CBOR at byte ' + p);
	}
	function arg(ai) {
		let v = 0, n;

		if (ai < 24)
			return ai;
		if (ai > 27)
			throw new Error('indefinite length at byte ' + (p - 1));
		n = 1 << (ai - 24);
		need(n);
		for (let i = 0; i < n; i++)
			v = v * 256 + buf[p++];
		if (v > Number.MAX_SAFE_INTEGER)
			throw new Error('integer too large');
		return v;
	}
	function item(depth) {
		if (depth > 16)
			throw new Error('CBOR nested too deeply');
		need(1);
		const ib = buf[p++], mt = ib >> 5, ai = ib & 31;
		if (mt === 7) {
			if (ai === 20 || ai === 21)
				return ai === 21;
			if (ai === 22)
				return null;
			throw new Error('unexpected CBOR simple value');
		}
		const v = arg(ai);
		switch (mt) {
		case 0:
			return v;
		case 1:
			return -1 - v;
		case 2:
			need(v);
			p += v;
			return buf.subarray(p - v, p);
		case 3:
			need(v);
			p += v;
			return td.decode(buf.subarray(p - v, p));
		case 4: {
			const a = [];
			for (let i = 0; i < v; i++)
				a.push(item(depth + 1));
			return a;
		}
		case 5: {
			const m = new Map();
			for (let i = 0; i < v; i++) {
				const k = item(depth + 1);
				if (typeof k === 'object' || m.has(k))
					throw new Error('bad or repeated map key');
				m.set(k, item(depth + 1));
			}
			return m;
		}
		default:
			return { tag: v, value: item(depth + 1) };
		}
	}
	const v = item(0);
	if (p !== buf.length)
		throw new Error('bytes after the CBOR item');
	return v;
}

function cborHead(mt, n) {
	if (n < 24)
		return [mt << 5 | n];
	if (n < 256)
		return [mt << 5 | 24, n];
	return [mt << 5 | 25, n >> 8, n & 255];
}

/* ["Signature1", protected, h'', payload] (RFC 9052 §4.4). */
function sigStructure(prot, payload) {
	const ctx = new TextEncoder().encode('Signature1');
	const parts = [[0x84], cborHead(3, ctx.length), ctx,
	    cborHead(2, prot.length), prot, [0x40],
	    cborHead(2, payload.length), payload];
	const out = new Uint8Array(parts.reduce((n, x) => n + x.length, 0));
	let o = 0;
	for (const x of parts) {
		out.set(x, o);
		o += x.length;
	}
	return out;
}

function isBytes(x, len) {
	return x instanceof Uint8Array && (len === undefined ||
	    x.length === len);
}

/*
 * Takes a COSE_Sign1 apart: {kid, prot, payload, sig}. typ: the typ it
 * must carry, or null for none (QR payloads). Throws with the reason.
 */
function coseOpen(bytes, typ) {
	const m = cborDecode(bytes);
	if (m === null || typeof m !== 'object' || m.tag !== 18 ||
	    !Array.isArray(m.value) || m.value.length !== 4)
		throw new Error('not a COSE_Sign1');
	const [prot, unprot, payload, sig] = m.value;
	if (!isBytes(prot) || !(unprot instanceof Map) || unprot.size !== 0 ||
	    !isBytes(payload) || !isBytes(sig, 64))
		throw new Error('not a COSE_Sign1');
	const h = cborDecode(prot);
	if (!(h instanceof Map))
		throw new Error('not a COSE_Sign1');
	for (const k of h.keys())
		if (k !== 1 && k !== 4 && !(k === 16 && typ !== null))
			throw new Error('unexpected header ' + k);
	if (h.get(1) !== -8)
		throw new Error('wrong algorithm');
	if (!isBytes(h.get(4), 8))
		throw new Error('not a COSE_Sign1');
	if (typ !== null && h.get(16) !== typ)
		throw new Error('not a ' + typ);
	return { kid: h.get(4), prot: prot, payload: payload, sig: sig };
}

/* WebCrypto: Ed25519, SHA-256, zlib. */

const keyCache = new Map();

async function edVerify(pub, msg) {
	const id = hex(pub);
	let k = keyCache.get(id);
	if (k === undefined) {
		k = await crypto.subtle.importKey('raw', pub,
		    { name: 'Ed25519' }, false, ['verify']);
		keyCache.set(id, k);
	}
	return crypto.subtle.verify({ name: 'Ed25519' }, k, msg.sig,
	    sigStructure(msg.prot, msg.payload));
}

async function kidOf(pub) {
	const h = await crypto.subtle.digest('SHA-256', pub);
	return new Uint8Array(h, 0, 8);
}

/* zlib (RFC 1950) bytes, inflated to at most max bytes. */
async function inflate(bytes, max) {
	const r = new Blob([bytes]).stream()
	    .pipeThrough(new DecompressionStream('deflate')).getReader();
	const out = [];
	let n = 0;
	for (;;) {
		const { done, value } = await r.read();
		if (done)
			break;
		n += value.length;
		if (n > max) {
			r.cancel();
			throw new Error('inflated data too large');
		}
		out.push(value);
	}
	const b = new Uint8Array(n);
	let o = 0;
	for (const x of out) {
		b.set(x, o);
		o += x.length;
	}
	return b;
}

/* A note verifier key "name+hash+base64(0x01 || pub)": the raw key. */
function vkeyPub(vkey) {
	/* the name has no '+'; the base64 after the second one may */
	const m = /^[^+]+\+[0-9a-f]{8}\+([A-Za-z0-9+/]+=*)$/.exec(String(vkey));
	if (m === null)
		throw new Error('bad log key');
	const b = Uint8Array.from(atob(m[1]), (c) => c.charCodeAt(0));
	if (b.length !== 33 || b[0] !== 1)
		throw new Error('bad log key');
	return b.subarray(1);
}

/* Hosts compare case-insensitively, ":443" or not (PROTOCOL.md §1.5). */
function hostKey(h) {
	return String(h).toLowerCase().replace(/:443$/, '');
}

/* The signed documents (PROTOCOL.md §5-7). */

function claimsOf(msg) {
	const c = cborDecode(msg.payload);
	if (!(c instanceof Map))
		throw new Error('claims are not a map');
	const iat = c.get(6), exp = c.get(4);
	if (!Number.isInteger(iat) || !Number.isInteger(exp) || iat > exp)
		throw new Error('bad iat or exp');
	return c;
}

function text(m, k, max) {
	const v = m.get(k);
	if (typeof v !== 'string' || v.length > max)
		throw new Error('bad ' + k);
	return v;
}

/*
 * An issuer descriptor signed by the log key vkey (null: the key it
 * names itself, for the daemon that served this app).
 */
async function openIssuer(bytes, vkey) {
	const msg = coseOpen(bytes, TYP.issuer);
	const c = claimsOf(msg), d = c.get(-65540);
	if (!(d instanceof Map))
		throw new Error('no issuer claim');
	const desc = {
		name: text(d, 'name', 200), licence: text(d, 'licence', 64),
		host: text(d, 'host', 255), logKey: text(d, 'log_key', 300),
		status: text(d, 'status', 300), iat: c.get(6), exp: c.get(4),
		keys: []
	};
	if (vkey !== null && desc.logKey !== vkey)
		throw new Error('descriptor names another log key');
	if (!desc.status.startsWith('https://') || desc.host === '')
		throw new Error('bad status URL or host');
	desc.logPub = vkeyPub(desc.logKey);
	if (!same(msg.kid, await kidOf(desc.logPub)) ||
	    !await edVerify(desc.logPub, msg))
		throw new Error('descriptor signature not valid');
	const keys = d.get('keys');
	if (!Array.isArray(keys))
		throw new Error('bad keys');
	for (const k of keys) {
		const key = { kid: k.get('kid'), pub: k.get('pub'),
		    from: k.get('from'), to: k.get('to'),
		    compromised: k.get('compromised') };
		if (!isBytes(key.kid, 8) || !isBytes(key.pub, 32) ||
		    !same(key.kid, await kidOf(key.pub)))
			throw new Error('bad key');
		desc.keys.push(key);
	}
	return desc;
}

/* Status list or number map n of issuer desc, signed by its log key. */
async function openList(bytes, desc, kind, n) {
	const msg = coseOpen(bytes, TYP[kind]);
	const c = claimsOf(msg);
	const sub = kind === 'status' ? desc.status + n :
	    desc.status.replace(/\/status\/$/, '/numbers/') + n;
	if (c.get(2) !== sub)
		throw new Error('list names ' + c.get(2) + ', not ' + sub);
	if (!(c.get(65534) > 0))
		throw new Error('bad ttl');
	if (!await edVerify(desc.logPub, msg))
		throw new Error('list signature not valid');
	const l = { n: n, iat: c.get(6), exp: c.get(4) };
	if (kind === 'status') {
		const s = c.get(65533);
		if (!(s instanceof Map) || s.get('bits') !== 4 ||
		    !isBytes(s.get('lst')))
			throw new Error('bad status_list');
		l.lst = await inflate(s.get('lst'), LIST_MAX);
	} else {
		const s = c.get(-65539);
		if (!(s instanceof Map) || !Number.isInteger(s.get('count')) ||
		    !isBytes(s.get('map')))
			throw new Error('bad numbers');
		l.count = s.get('count');
		l.map = await inflate(s.get('map'), l.count * REC_LEN);
		if (l.map.length !== l.count * REC_LEN)
			throw new Error('number map of the wrong length');
	}
	return l;
}

/*
 * The trust list the serving daemon is configured with. Its registry's
 * signature is not checked here: the app trusts what its own server
 * serves, as it trusts the app's code from there (skk checks it with the
 * registry key it was given).
 */
function openTrust(bytes) {
	const msg = coseOpen(bytes, TYP.trust);
	const c = claimsOf(msg), t = c.get(-65541);
	if (!(t instanceof Map) || !Array.isArray(t.get('issuers')))
		throw new Error('no trust list claim');
	return {
		registry: text(t, 'registry', 200), iat: c.get(6),
		exp: c.get(4),
		issuers: t.get('issuers').map((e) => ({
			url: text(e, 'url', 300).replace(/\/$/, ''),
			logKey: text(e, 'log_key', 300), name: text(e, 'name', 200)
		}))
	};
}

/* The cache of signed documents: bytes by URL, never personal data. */

async function cacheGet(url) {
	const c = await caches.open(DATA_CACHE);
	const r = await c.match(url);
	return r ? new Uint8Array(await r.arrayBuffer()) : null;
}

async function cachePut(url, bytes) {
	const c = await caches.open(DATA_CACHE);
	await c.put(url, new Response(bytes, { headers:
	    { 'Content-Type': 'application/cose' } }));
}

async function cacheDelete(url) {
	const c = await caches.open(DATA_CACHE);
	await c.delete(url);
}

/*
 * Where each issuer's documents live: the serving daemon's own on this
 * origin, the others at the URL of their trust-list entry.
 */
function sourceUrls(base, desc) {
	return {
		issuer: base + '/api/v1/issuer',
		status: (n) => base + '/status/' + n,
		numbers: (n) => base + '/numbers/' + n
	};
}

/* Loads one issuer from bytes via get(url); null when there is none. */
async function loadIssuer(get, base, vkey, trustName) {
	const raw = await get(base + '/api/v1/issuer');
	if (raw === null)
		return null;
	const desc = await openIssuer(raw, vkey);
	const src = sourceUrls(base, desc);
	const iss = { base: base, desc: desc, host: hostKey(desc.host),
	    name: desc.name || trustName, lists: new Map(), maps: new Map(),
	    raw: new Map([[src.issuer, raw]]),
	    iat: new Map([[src.issuer, desc.iat]]) };
	for (const kind of ['status', 'numbers']) {
		for (let n = 0; n < LISTS_MAX; n++) {
			const url = src[kind](n), b = await get(url);
			if (b === null)
				break;
			const l = await openList(b, desc, kind, n);
			(kind === 'status' ? iss.lists : iss.maps).set(n, l);
			iss.raw.set(url, b);
			iss.iat.set(url, l.iat);
		}
	}
	return iss;
}

/* The model: every trusted issuer with its verified documents. */
let issuers = [];
let trustInfo = null;

async function loadAll(get) {
	const out = [];
	const own = await loadIssuer(get, location.origin, null, '');
	if (own === null)
		return { issuers: out, trust: null };
	out.push(own);
	let tl = null;
	const tb = await get(location.origin + '/trust-list');
	if (tb !== null) {
		tl = openTrust(tb);
		tl.raw = tb;
		for (const e of tl.issuers) {
			if (e.logKey === own.desc.logKey)
				continue;
			try {
				const iss = await loadIssuer(get, e.url, e.logKey,
				    e.name);
				if (iss !== null)
					out.push(iss);
			} catch (ex) {
				console.warn('issuer ' + e.url + ': ' + ex.message);
			}
		}
	}
	return { issuers: out, trust: tl };
}

async function loadCached() {
	try {
		const m = await loadAll(cacheGet);
		issuers = m.issuers;
		trustInfo = m.trust;
	} catch (ex) {
		console.warn('cached data: ' + ex.message);
	}
}

/*
 * Fetches everything again; a document that fails its checks, or is
 * older than the one cached, leaves the cached one in place.
 */
let unreached = 0;

async function fetchDoc(url) {
	let r;
	try {
		r = await fetch(url, { cache: 'no-cache', credentials: 'omit',
		    referrerPolicy: 'no-referrer' });
	} catch (ex) {
		unreached++;
		const c = await cacheGet(url);	/* unreachable: keep ours */
		if (c === null)
			throw ex;
		return c;
	}
	if (r.status === 404)
		return null;
	if (!r.ok) {
		/* e.g. 503 while a number map is first made: keep ours */
		unreached++;
		console.warn(url + ': HTTP ' + r.status);
		return cacheGet(url);
	}
	return new Uint8Array(await r.arrayBuffer());
}

async function refresh() {
	if (!navigator.onLine)
		return;
	setRefresh('Memperbarui… / Refreshing…');
	unreached = 0;
	try {
		const m = await loadAll(fetchDoc);
		if (m.issuers.length === 0)
			throw new Error('the server has no issuer descriptor');
		for (const iss of m.issuers) {
			const old = issuers.find((o) =>
			    o.desc.logKey === iss.desc.logKey);
			for (const [url, b] of iss.raw) {
				/* never roll back to an older document */
				if (old !== undefined && old.iat.get(url) >
				    iss.iat.get(url))
					continue;
				await cachePut(url, b);
			}
		}
		const t = location.origin + '/trust-list';
		if (m.trust !== null)
			await cachePut(t, m.trust.raw);
		else
			await cacheDelete(t);
		await loadCached();
		if (unreached > 0)
			throw new Error(unreached + ' not reached');
		localStorage.setItem('skk.refreshed', String(now()));
	} catch (ex) {
		console.warn('refresh: ' + ex.message);
		setRefresh(null, 'gagal / failed: ' + ex.message);
		return;
	}
	setRefresh(null);
}

/* Verdicts. */

function maxAge() {
	const h = Number(localStorage.getItem('skk.maxage') || 24);
	return (h > 0 ? h : 24) * 3600;
}

function verdict(v, id, en, extra) {
	return Object.assign({ v: v, id: id, en: en }, extra || {});
}

function unknown(id, en, extra) {
	return verdict('unknown', id, en, extra);
}

function notValid(id, en, extra) {
	return verdict('no', id, en, extra);
}

/* A list is usable when younger than the maximum age and not expired. */
function fresh(l, t) {
	return l !== undefined && t - l.iat <= maxAge() && t < l.exp;
}

function staleWords() {
	const h = maxAge() / 3600;
	return ['Status lebih lama dari ' + h + ' jam',
	    'Status older than ' + h + 'h'];
}

/*
 * The status of index idx at iss, as a verdict about card c; map: the
 * number map the index came from, which must be fresh too.
 */
function statusVerdict(iss, idx, c, t, map) {
	const n = Math.floor(idx / (1 << LIST_BITS));
	const l = iss.lists.get(n);
	if (l === undefined)
		return unknown('Status belum diunduh: buka sekali dengan sinyal',
		    'No status downloaded yet: open once with a network', c);
	for (const x of map ? [l, map] : [l])
		if (!fresh(x, t))
			return unknown(...staleWords(), Object.assign({
			    asOf: x.iat }, c));
	const i = idx - n * (1 << LIST_BITS);
	const b = l.lst[i >> 1];
	const e = b === undefined ? 0xF : (i & 1 ? b >> 4 : b & 15);
	const x = Object.assign({ asOf: map && map.iat < l.iat ? map.iat :
	    l.iat }, c);
	if (e === 0)
		return verdict('ok', 'Sertifikat berlaku', 'Certificate in force',
		    x);
	if (STATUS_WORDS[e])
		return notValid(...STATUS_WORDS[e], x);
	return unknown('Belum ada di daftar status: perbarui dengan sinyal',
	    'Not yet in the status list: refresh with a network', c);
}

/* 22 digits of a number, or null. */
function digits(number) {
	const d = String(number).trim().replace(/[ .-]/g, '');
	return /^[0-9]{22}$/.test(d) ? d : null;
}

/*
 * A number's entry in iss's number maps: {idx, map}; null when none has
 * it and all are fresh; undefined when none has it but one is stale or
 * there are none.
 */
function mapLookup(iss, d, t) {
	let complete = iss.maps.size > 0;
	const want = new TextEncoder().encode(d);
	for (const l of iss.maps.values()) {
		if (!fresh(l, t))
			complete = false;
		let lo = 0, hi = l.count;
		while (lo < hi) {
			const mid = (lo + hi) >> 1, o = mid * REC_LEN;
			let cmp = 0;
			for (let i = 0; i < 22 && cmp === 0; i++)
				cmp = l.map[o + i] - want[i];
			if (cmp === 0)
				return { idx: new DataView(l.map.buffer,
				    l.map.byteOffset + o + 22, 4).getUint32(0),
				    map: l };
			if (cmp < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return complete ? null : undefined;
}

/* Splits QR text into {host, bytes}; throws on malformed text. */
function qrBytes(raw) {
	let s = raw.trim().replace(/\/$/, ''), host = null;
	if (s.length > QR_TEXT_MAX)
		throw new Error('too long');
	const m = /^https?:\/\/([^/]*)(\/.*)?$/i.exec(s);
	if (m !== null) {
		host = m[1];
		if (!/^\/v\//i.test(m[2] || ''))
			throw new Error('not base32');
		s = m[2].slice(3);
	}
	return { host: host, bytes: base32(s) };
}

function base32(s) {
	const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	const t = s.toUpperCase().replace(/=+$/, '');
	if (t.length > B32_MAX || [1, 3, 6].includes(t.length % 8))
		throw new Error('not base32');
	const out = new Uint8Array(Math.floor(t.length * 5 / 8));
	let acc = 0, bits = 0, o = 0;
	for (const ch of t) {
		const v = A.indexOf(ch);
		if (v < 0)
			throw new Error('not base32');
		acc = (acc << 5 | v) & 0xffff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = acc >> bits & 255;
		}
	}
	if ((acc & ((1 << bits) - 1)) !== 0)
		throw new Error('not base32');
	return out;
}

/* The claims of a QR payload (§1.3), or throws. */
function qrClaims(payload) {
	const c = cborDecode(payload);
	if (!(c instanceof Map) || c.size !== 3)
		throw new Error('malformed claims');
	const exp = c.get(4), iat = c.get(6), p = c.get(-65537);
	if (!Number.isInteger(exp) || !Number.isInteger(iat) || exp <= iat ||
	    !Array.isArray(p) || (p.length !== 4 && p.length !== 5) ||
	    typeof p[0] !== 'string' || !/^[0-9]{5} [0-9]{4} [1-9] [0-9]{8} 20[0-9]{2}$/.test(p[0]) ||
	    typeof p[1] !== 'string' || p[1].length === 0 ||
	    typeof p[2] !== 'string' || !/^[A-Z]{2}[0-9]{6}$/.test(p[2]) ||
	    !Number.isInteger(p[3]) || p[3] < 1 || p[3] > 9 ||
	    (p.length === 5 && !(Number.isInteger(p[4]) && p[4] >= 0 &&
	    p[4] < 2 ** 32)))
		throw new Error('malformed claims');
	return { exp: exp, iat: iat, number: p[0], name: p[1], job: p[2],
	    level: p[3], idx: p.length === 5 ? p[4] : null };
}

const MALFORMED = ['Kode QR rusak', 'Malformed QR code'];

const OTHER_SITE = ['Mengarah ke situs lain', 'Points to another site'];
const UNKNOWN_KEY = ['Kunci tidak dikenal: palsu', 'Unknown signing key: forged'];

/* The trusted issuer a QR names by its host, or by its key when bare. */
function qrIssuer(q, kid) {
	if (q.host !== null)
		return issuers.find((i) => i.host === hostKey(q.host));
	return issuers.find((i) => i.desc.keys.some((k) => same(k.kid, kid)));
}

/*
 * Signed by a key iss does not list: by another trusted issuer's key (a
 * genuine card behind the wrong host), by a key newer than the cached
 * descriptor (only a refresh can tell), or forged.
 */
async function unknownKid(iss, msg, who, t) {
	for (const o of issuers) {
		const k = o === iss ? undefined : o.desc.keys.find((x) =>
		    same(x.kid, msg.kid));
		if (k !== undefined && await edVerify(k.pub, msg))
			return notValid(...OTHER_SITE, who);
	}
	let iat = 0;
	try {
		iat = cborDecode(msg.payload).get(6);
	} catch (ex) {
		/* unreadable claims: forged */
	}
	if (Number.isInteger(iat) && iat + 86400 > iss.desc.iat && iat <= t)
		return unknown('Kunci lebih baru dari data tersimpan: perbarui',
		    'Signing key newer than the saved keys: refresh', who);
	return notValid(...UNKNOWN_KEY, who);
}

async function judgeQr(raw, t) {
	let q, msg;
	try {
		q = qrBytes(raw);
	} catch (ex) {
		return notValid(...MALFORMED);
	}
	if (issuers.length === 0)
		return unknown('Belum ada data penerbit: buka sekali dengan sinyal',
		    'No issuer data yet: open once with a network');
	if (q.host !== null && qrIssuer(q, null) === undefined)
		return unknown('Penerbit tidak dipercaya', 'Issuer not trusted');
	try {
		if (q.bytes.length > COSE_MAX)
			throw new Error('too long');
		msg = coseOpen(q.bytes, null);
	} catch (ex) {
		return notValid(...MALFORMED);
	}
	const iss = qrIssuer(q, msg.kid);
	if (iss === undefined)
		return unknown('Penerbit tidak dipercaya', 'Issuer not trusted');
	const who = { issuer: iss.name };
	const key = iss.desc.keys.find((k) => same(k.kid, msg.kid));
	if (key === undefined)
		return unknownKid(iss, msg, who, t);
	if (!await edVerify(key.pub, msg))
		return notValid('Tanda tangan tidak sah', 'Signature not valid',
		    who);
	let c;
	try {
		c = qrClaims(msg.payload);
	} catch (ex) {
		return notValid(...MALFORMED, who);
	}
	const card = Object.assign({ number: c.number, name: c.name,
	    job: c.job, level: c.level }, who);
	if (key.compromised)
		return unknown('Kunci penanda tangan bocor: periksa daring',
		    'Signing key compromised: check online', card);
	if ((key.from && c.iat < key.from) || (key.to && c.iat >= key.to))
		return notValid(...UNKNOWN_KEY, card);
	if (t >= c.exp)
		return notValid('Kedaluwarsa', 'Expired', card);
	if (t < c.iat - 86400)
		return notValid('Belum berlaku', 'Not yet in force', card);
	if (t >= iss.desc.exp)
		return unknown(...staleWords(), card);
	if (c.idx !== null)
		return statusVerdict(iss, c.idx, card, t, null);
	/* a card printed before status indices */
	const m = mapLookup(iss, digits(c.number), t);
	if (!m)
		return unknown('Belum ada di daftar status: perbarui dengan sinyal',
		    'Not yet in the status list: refresh with a network', card);
	return statusVerdict(iss, m.idx, card, t, m.map);
}

/* A number typed by hand: looked up at every trusted issuer. */
function judgeNumber(raw, t) {
	const d = digits(raw);
	if (d === null)
		return notValid('Nomor tidak sah', 'Malformed certificate number');
	const number = d.replace(/^(\d{5})(\d{4})(\d)(\d{8})(\d{4})$/,
	    '$1 $2 $3 $4 $5');
	const found = [];
	let complete = issuers.length > 0;
	for (const iss of issuers) {
		const m = mapLookup(iss, d, t);
		if (m === undefined)
			complete = false;
		else if (m !== null)
			found.push([iss, m]);
	}
	if (found.length > 1)
		return unknown('Dikenal oleh ' + found.length + ' penerbit',
		    'Ambiguous: known to ' + found.length + ' issuers',
		    { number: number });
	if (found.length === 1)
		return statusVerdict(found[0][0], found[0][1].idx, {
		    number: number, issuer: found[0][0].name }, t,
		    found[0][1].map);
	if (!complete)
		return unknown(...staleWords(), { number: number });
	return notValid('Nomor tidak dikenal', 'Unknown number',
	    { number: number });
}

/* The screens. */

const WORDS = {
	ok: ['SAH', 'VALID'],
	no: ['TIDAK SAH', 'NOT VALID'],
	unknown: ['TIDAK DAPAT DIPASTIKAN', 'CANNOT CONFIRM']
};

function field(dl, id, en, value) {
	if (value === undefined || value === null || value === '')
		return;
	const dt = document.createElement('dt');
	dt.textContent = id + ' / ' + en;
	const dd = document.createElement('dd');
	dd.textContent = String(value);
	dl.append(dt, dd);
}

function show(r) {
	const b = $('banner');
	b.className = 'b ' + (r.v === 'unknown' ? 'un' : r.v);
	$('vid').textContent = WORDS[r.v][0];
	$('ven').textContent = WORDS[r.v][1];
	$('rid').textContent = r.id;
	$('ren').textContent = r.en;
	const dl = $('fields');
	dl.replaceChildren();
	field(dl, 'Nomor sertifikat', 'Certificate number', r.number);
	field(dl, 'Nama', 'Name', r.name);
	field(dl, 'Jabatan kerja', 'Job code', r.job);
	field(dl, 'Jenjang', 'Level', r.level);
	field(dl, 'Penerbit', 'Issuer', r.issuer);
	$('asof').textContent = r.asOf ?
	    'Status per / as of ' + iso(r.asOf) : '';
	$('result').dataset.verdict = r.v;
	$('scan').hidden = true;
	$('result').hidden = false;
	$('again').focus();
}

/* Nothing of the card stays once the verdict is put away. */
function clearResult() {
	for (const id of ['rid', 'ren', 'asof'])
		$(id).textContent = '';
	$('fields').replaceChildren();
	$('result').hidden = true;
	delete $('result').dataset.verdict;
	$('scan').hidden = false;
}

/* A refresh under way: a check waits for it (a few seconds at most). */
let refreshing = null;

async function check(raw, how) {
	performance.mark('check-start');
	if (refreshing !== null)
		await Promise.race([refreshing,
		    new Promise((ok) => setTimeout(ok, 5000))]);
	const t = now();
	const r = how === 'number' ? judgeNumber(raw, t) :
	    await judgeQr(raw, t);
	show(r);
	performance.mark('verdict');
}

function setRefresh(busy, failed) {
	const t = Number(localStorage.getItem('skk.refreshed') || 0);
	let s = busy || (t ? 'Terakhir diperbarui / Last refreshed: ' +
	    iso(t) : 'Belum pernah diperbarui / Never refreshed');
	if (failed)
		s += ' (' + failed + ')';
	$('refreshed').textContent = s;
	$('issuers').textContent = issuers.length + ' penerbit / issuers';
}

/* The camera: frames into jsQR until a code reads. */

/*
 * One camera at a time: stopCamera (a typed check, a code read) also
 * cancels a start still waiting for the browser, whose stream is then
 * stopped as soon as it arrives.
 */
let stream = null, timer = 0, camera = 0;

async function startCamera() {
	stopCamera();
	const me = camera, v = $('video');
	$('camerr').textContent = '';
	if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
		$('camerr').textContent = 'Kamera tidak tersedia / No camera';
		return;
	}
	let s;
	try {
		s = await navigator.mediaDevices.getUserMedia({ audio: false,
		    video: { facingMode: 'environment' } });
	} catch (ex) {
		$('camerr').textContent = 'Kamera tidak dapat dibuka / ' +
		    'Camera could not be opened: ' + ex.name;
		$('start').hidden = false;
		return;
	}
	if (me !== camera) {
		for (const tr of s.getTracks())
			tr.stop();
		return;
	}
	stream = s;
	$('start').hidden = true;
	v.srcObject = stream;
	await v.play().catch(() => {});
	if (me !== camera)
		return;
	performance.mark('scan-start');
	timer = setInterval(scanFrame, 150);
}

function stopCamera() {
	camera++;
	clearInterval(timer);
	timer = 0;
	if (stream !== null)
		for (const tr of stream.getTracks())
			tr.stop();
	stream = null;
	$('video').srcObject = null;
}

const canvas = document.createElement('canvas');

function scanFrame() {
	const v = $('video');
	if (timer === 0 || v.readyState < 2 || v.videoWidth === 0)
		return;
	const w = v.videoWidth, h = v.videoHeight;
	canvas.width = w;
	canvas.height = h;
	const ctx = canvas.getContext('2d', { willReadFrequently: true });
	ctx.drawImage(v, 0, 0, w, h);
	const img = ctx.getImageData(0, 0, w, h);
	const code = window.jsQR(img.data, w, h,
	    { inversionAttempts: 'dontInvert' });
	if (code === null || code.data === '')
		return;
	stopCamera();
	check(code.data, 'qr');
}

function onSubmit(ev) {
	ev.preventDefault();
	const el = $('typed'), raw = el.value;
	el.value = '';
	stopCamera();
	check(raw, digits(raw) !== null ? 'number' : 'qr');
}

function onSettings(ev) {
	ev.preventDefault();
	const h = Number($('maxage').value);
	if (h > 0)
		localStorage.setItem('skk.maxage', String(h));
	$('maxage').value = maxAge() / 3600;
}

async function main() {
	$('form').addEventListener('submit', onSubmit);
	$('settings').addEventListener('submit', onSettings);
	$('start').addEventListener('click', startCamera);
	$('again').addEventListener('click', () => {
		clearResult();
		startCamera();
	});
	$('refresh').addEventListener('click', async () => {
		refreshing = refresh();
		await refreshing;
		refreshing = null;
	});
	$('maxage').value = maxAge() / 3600;
	if ('serviceWorker' in navigator)
		navigator.serviceWorker.register('sw.js', { scope: './' })
		    .catch((ex) => console.warn('service worker: ' + ex.message));
	await loadCached();
	setRefresh(null);
	refreshing = refresh();
	startCamera();
	await refreshing;
	refreshing = null;
	document.body.dataset.ready = '1';
}

main();
})();
