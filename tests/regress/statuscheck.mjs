// skkd — SPDX-License-Identifier: ISC
//
// An independent reader of skkd's signed status documents, for
// tests/regress/status.sh: npm's cbor2 takes the COSE_Sign1 apart, Node's
// crypto checks the Ed25519 signature against the log's note verifier key
// and Node's zlib inflates the list. Nothing of skkd's own code is used.
//
//   node statuscheck.mjs status FILE VKEY SUB      one line per field, then
//                                                  "entries HEX" (entry i is
//                                                  the i-th hex digit)
//   node statuscheck.mjs numbers FILE VKEY SUB     "count N", then "DIGITS IDX"
//   node statuscheck.mjs qr URL                    the index a QR carries
//   node statuscheck.mjs holder COSE VKEY JSON     the signed payload is
//                                                  exactly the bytes of JSON
//
// Exit 0 when the document checks, 1 (with the reason on stderr) if not.

import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { decode, encode, Tag } from '../node/node_modules/cbor2/lib/index.js';

function die(msg) {
	process.stderr.write(`statuscheck: ${msg}\n`);
	process.exit(1);
}

// A note verifier key "name+hash+base64(0x01 || key)": the raw key.
function vkeyPublic(vkey) {
	// The key's base64 may hold '+' too: name+hash+ then the rest.
	const a = vkey.indexOf('+'), b = vkey.indexOf('+', a + 1);
	if (a < 1 || b !== a + 9)
		die(`not a verifier key: ${vkey}`);
	const raw = Buffer.from(vkey.slice(b + 1), 'base64');
	if (raw.length !== 33 || raw[0] !== 1)
		die('verifier key: expected type 0x01 and 32 bytes');
	return raw.subarray(1);
}

function ed25519(pub) {
	const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'),
	    pub]);
	return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}

const opts = { preferMap: true };

// 18([protected, {}, payload, signature]), checked with pub: the claims.
function openSign1(buf, pub, wantTyp, raw) {
	const msg = decode(buf, opts);
	if (!(msg instanceof Tag) || Number(msg.tag) !== 18)
		die('not a COSE_Sign1 (tag 18)');
	const [prot, unprot, payload, sig] = msg.contents;
	const hdr = decode(prot, opts);
	if (hdr.get(1) !== -8)
		die(`alg ${hdr.get(1)}, expected -8 (EdDSA)`);
	const kid = Buffer.from(hdr.get(4));
	const want = createHash('sha256').update(pub).digest().subarray(0, 8);
	if (!kid.equals(want))
		die(`kid ${kid.toString('hex')} is not the log key's ${want.toString('hex')}`);
	if (wantTyp !== undefined && hdr.get(16) !== wantTyp)
		die(`typ ${hdr.get(16)}, expected ${wantTyp}`);
	if (!(unprot instanceof Map) || unprot.size !== 0)
		die('unprotected header not empty');
	// cbor2 gives byte strings as Buffers, which it would not encode back
	// as byte strings: plain Uint8Arrays for the Sig_structure.
	const bytes = (b) => new Uint8Array(b.buffer, b.byteOffset, b.length);
	const tbs = encode(['Signature1', bytes(prot), new Uint8Array(0),
	    bytes(payload)]);
	if (!verify(null, tbs, ed25519(pub), sig))
		die('bad signature');
	return raw ? Buffer.from(payload) : decode(payload, opts);
}

function head(claims, sub) {
	if (claims.get(2) !== sub)
		die(`sub ${claims.get(2)}, expected ${sub}`);
	const iat = Number(claims.get(6)), exp = Number(claims.get(4));
	const ttl = Number(claims.get(65534));
	console.log(`sub ${claims.get(2)}`);
	console.log(`iat ${iat}`);
	console.log(`validity ${exp - iat}`);
	console.log(`ttl ${ttl}`);
	console.log(`age ${Math.floor(Date.now() / 1000) - iat}`);
}

function status(file, vkey, sub) {
	const claims = openSign1(readFileSync(file), vkeyPublic(vkey),
	    'application/statuslist+cwt');
	head(claims, sub);
	const cp = claims.get(-65538);
	if (!Array.isArray(cp) || cp.length !== 2 || cp[1].length !== 32)
		die('claim -65538: expected [tree_size, 32-byte root]');
	console.log(`tree ${Number(cp[0])} ${Buffer.from(cp[1]).toString('base64')}`);
	const sl = claims.get(65533);
	if (sl.get('bits') !== 4)
		die(`bits ${sl.get('bits')}, expected 4`);
	const lst = inflateSync(sl.get('lst'));
	let hex = '';
	for (const b of lst)
		hex += (b & 15).toString(16) + (b >> 4).toString(16);
	console.log(`bytes ${lst.length}`);
	console.log(`entries ${hex}`);
}

function numbers(file, vkey, sub) {
	const claims = openSign1(readFileSync(file), vkeyPublic(vkey),
	    'application/skk-numbers+cwt');
	head(claims, sub);
	const m = claims.get(-65539);
	const count = Number(m.get('count'));
	const raw = inflateSync(m.get('map'));
	if (raw.length !== count * 26)
		die(`map: ${raw.length} bytes for ${count} records`);
	console.log(`count ${count}`);
	for (let i = 0; i < count; i++) {
		const r = raw.subarray(i * 26, i * 26 + 26);
		console.log(`${r.subarray(0, 22).toString('latin1')} ${r.readUInt32BE(22)}`);
	}
}

// RFC 4648 base32 without padding.
function base32(text) {
	const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = 0, v = 0;
	const out = [];
	for (const c of text.toUpperCase()) {
		const d = a.indexOf(c);
		if (d < 0)
			die(`bad base32 character ${c}`);
		v = (v << 5) | d;
		bits += 5;
		if (bits >= 8) {
			out.push((v >> (bits - 8)) & 255);
			bits -= 8;
		}
	}
	return Buffer.from(out);
}

function qr(url) {
	const msg = decode(base32(url.replace(/^.*\/V\//i, '')), opts);
	const claims = decode(msg.contents[2], opts);
	const c = claims.get(-65537);
	if (c.length !== 5)
		die(`claim -65537 has ${c.length} elements, expected 5`);
	console.log(Number(c[4]));
}

// A holder report: the COSE_Sign1 carries the JSON file's bytes.
function holder(cose, vkey, json) {
	const payload = openSign1(readFileSync(cose), vkeyPublic(vkey),
	    'application/skk-holder-report+json', true);
	if (!payload.equals(readFileSync(json)))
		die(`the signed payload is not ${json}`);
	const doc = JSON.parse(payload.toString('utf8'));
	console.log(`certificates ${doc.certificates.length}`);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === 'status')
	status(...args);
else if (mode === 'numbers')
	numbers(...args);
else if (mode === 'qr')
	qr(args[0]);
else if (mode === 'holder')
	holder(...args);
else
	die('usage: status|numbers FILE VKEY SUB, qr URL, or holder COSE VKEY JSON');
