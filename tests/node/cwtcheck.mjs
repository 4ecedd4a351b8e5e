// skkd — SPDX-License-Identifier: ISC
//
// An independent check of skkd's signed documents (PROTOCOL.md §6, §7):
// decodes a COSE_Sign1 with the cbor2 package, checks its protected
// header (alg EdDSA, kid = SHA-256(public key)[:8], typ), verifies the
// Ed25519 signature over the Sig_structure with Node's crypto, and prints
// the payload's claims as JSON (byte strings as hex, integer keys as
// their decimal text) for the test to compare field by field.
//
//   node cwtcheck.mjs FILE TYP (--vkey VKEY | --pem PUB.pem)
//
// Exit 0 and the claims on stdout, or 1 with the reason on stderr.

import { readFileSync } from 'node:fs';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { decode, encode } from 'cbor2';

function fail(msg) {
	process.stderr.write(`cwtcheck: ${msg}\n`);
	process.exit(1);
}

// The raw 32-byte key of a note verifier key "name+hexid+base64(0x01||key)".
function vkeyRaw(vkey) {
	// The base64 of the key may itself hold '+': split at the first two.
	const m = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec(vkey);
	if (m === null)
		fail('vkey: expected NAME+ID+KEY');
	const b = Buffer.from(m[3], 'base64');
	if (b.length !== 33 || b[0] !== 0x01)
		fail('vkey: not an Ed25519 note key');
	return b.subarray(1);
}

function rawToKey(raw) {
	// SubjectPublicKeyInfo of an Ed25519 key: a fixed 12-byte prefix.
	const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'),
	    raw]);
	return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}

function plain(v) {
	if (v instanceof Uint8Array)
		return Buffer.from(v).toString('hex');
	if (v instanceof Map) {
		const o = {};
		for (const [k, x] of v)
			o[String(k)] = plain(x);
		return o;
	}
	if (Array.isArray(v))
		return v.map(plain);
	if (typeof v === 'bigint')
		return v.toString();
	return v;
}

const [file, typ, how, arg] = process.argv.slice(2);
if (!file || !typ || !how || !arg)
	fail('usage: cwtcheck FILE TYP (--vkey VKEY | --pem PUB.pem)');
let key, raw;
if (how === '--vkey') {
	raw = vkeyRaw(arg);
	key = rawToKey(raw);
} else {
	key = createPublicKey(readFileSync(arg));
	raw = key.export({ format: 'der', type: 'spki' }).subarray(12);
}

const msg = decode(readFileSync(file), { preferMap: true });
if (msg?.tag !== 18 || !Array.isArray(msg.contents) ||
    msg.contents.length !== 4)
	fail('not a tagged COSE_Sign1 (tag 18, 4 elements)');
const [protBytes, unprot, payload, sig] = msg.contents;
const prot = decode(protBytes, { preferMap: true });
if (!(prot instanceof Map) || prot.get(1) !== -8)
	fail('protected header: alg is not EdDSA (-8)');
const kid = createHash('sha256').update(raw).digest().subarray(0, 8);
if (Buffer.compare(Buffer.from(prot.get(4)), kid) !== 0)
	fail('protected header: kid is not SHA-256(key)[:8]');
if (prot.get(16) !== typ)
	fail(`protected header: typ is ${prot.get(16)}, not ${typ}`);
if (!(unprot instanceof Map) || unprot.size !== 0)
	fail('unprotected header is not empty');
// Plain Uint8Arrays: cbor2 would encode a Node Buffer as an object.
const u8 = (b) => new Uint8Array(b.buffer, b.byteOffset, b.length);
const tbs = encode(['Signature1', u8(protBytes), new Uint8Array(0),
    u8(payload)]);
if (!verify(null, tbs, key, sig))
	fail('signature: not valid');
process.stdout.write(JSON.stringify(plain(decode(payload,
    { preferMap: true }))) + '\n');
