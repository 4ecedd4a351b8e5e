// skkd — SPDX-License-Identifier: ISC
//
// The verifier app of /app/ in headless Chromium (puppeteer-core), its
// camera fed by Chromium's fake capture device from a Y4M video made here
// of a card's QR PNG (`skk qr`). Driven by tests/regress/webapp.sh, which
// starts the daemons and issues the cards; prints "ok - ..." and
// "not ok - ..." lines that the script numbers, and "# ..." notes.
//
// Environment: CHROME, APP (https://127.0.0.1:PORT/app/), WORK (a
// scratch directory), SHOTS (screenshot directory), SKK and SKK_CONF
// (to revoke a card mid-test), CARD1_PNG (valid), CARD2_PNG and
// CARD2_NUMBER (revoked during the test), CARD1_NUMBER, TAMPERED (a QR
// URL with a changed signature character), CARD3_PNG and ISSUER_B (a
// card of a second issuer named in the trust list; optional).

'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');
const puppeteer = require('puppeteer-core');

const env = process.env;
const W = 640, H = 480;		/* the fake camera's frame */
const Y4M = path.join(env.WORK, 'camera.y4m');

function ok(cond, desc, why) {
	console.log((cond ? 'ok - ' : 'not ok - ') + desc);
	if (!cond && why)
		console.log('#   ' + String(why).split('\n').join('\n#   '));
	return cond;
}

// PNG (8-bit or less, grey, grey+alpha, RGB or RGBA, not interlaced)
// to one grey byte per pixel.
function pngGrey(file) {
	const b = fs.readFileSync(file);
	let o = 8, w = 0, h = 0, depth = 0, ct = 0;
	const idat = [];
	while (o < b.length) {
		const len = b.readUInt32BE(o), type = b.toString('latin1', o + 4,
		    o + 8), d = b.subarray(o + 8, o + 8 + len);
		if (type === 'IHDR') {
			w = d.readUInt32BE(0);
			h = d.readUInt32BE(4);
			depth = d[8];
			ct = d[9];
			if (d[12] !== 0 || depth > 8 || ct === 3)
				throw new Error(file + ': PNG form not handled');
		} else if (type === 'IDAT')
			idat.push(d);
		o += 12 + len;
	}
	const ch = { 0: 1, 2: 3, 4: 2, 6: 4 }[ct];
	const raw = zlib.inflateSync(Buffer.concat(idat));
	const stride = Math.ceil(w * ch * depth / 8), bpp = Math.max(1,
	    ch * depth / 8);
	const rows = [];
	let prev = Buffer.alloc(stride);
	for (let y = 0, p = 0; y < h; y++) {
		const f = raw[p++], row = Buffer.from(raw.subarray(p, p + stride));
		p += stride;
		for (let i = 0; i < stride; i++) {
			const a = i >= bpp ? row[i - bpp] : 0, up = prev[i],
			    c = i >= bpp ? prev[i - bpp] : 0;
			let x = 0;
			if (f === 1) x = a;
			else if (f === 2) x = up;
			else if (f === 3) x = (a + up) >> 1;
			else if (f === 4) {
				const pa = Math.abs(up - c), pb = Math.abs(a - c),
				    pc = Math.abs(a + up - 2 * c);
				x = pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
			}
			row[i] = (row[i] + x) & 255;
		}
		rows.push(row);
		prev = row;
	}
	const g = Buffer.alloc(w * h);
	for (let y = 0; y < h; y++)
		for (let x = 0; x < w; x++) {
			let v;
			if (depth < 8) {
				const bit = x * depth;
				v = (rows[y][bit >> 3] >> (8 - depth - (bit & 7))) &
				    ((1 << depth) - 1);
				v = v * 255 / ((1 << depth) - 1);
			} else
				v = rows[y][x * ch];
			g[y * w + x] = v;
		}
	return { w, h, g };
}

// The QR centred on white, scaled to most of the frame's height, as a
// few I420 frames of a Y4M file (Chromium loops it).
function writeY4m(png) {
	const q = png ? pngGrey(png) : { w: 1, h: 1, g: [255] };
	const s = Math.min(400 / q.w, 400 / q.h);
	const ox = Math.floor((W - q.w * s) / 2), oy = Math.floor((H - q.h * s) / 2);
	const y = Buffer.alloc(W * H, 235);
	for (let j = 0; j < H; j++)
		for (let i = 0; i < W; i++) {
			const u = Math.floor((i - ox) / s), v = Math.floor((j - oy) / s);
			if (u >= 0 && v >= 0 && u < q.w && v < q.h)
				y[j * W + i] = 16 + Math.round(q.g[v * q.w + u] * 219 / 255);
		}
	const uv = Buffer.alloc(W * H / 2, 128);
	const frame = Buffer.concat([Buffer.from('FRAME\n'), y, uv]);
	fs.writeFileSync(Y4M, Buffer.concat([Buffer.from(
	    `YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The verdict shown: {v, text, scanMs, checkMs}, or null after a timeout.
async function verdict(page, ms) {
	try {
		await page.waitForSelector('#result[data-verdict]', { timeout: ms || 20000 });
	} catch (ex) {
		console.log('# no verdict; the page shows: ' + (await page.evaluate(
		    () => document.body.innerText)).replace(/\s+/g, ' '));
		return null;
	}
	return page.evaluate(() => {
		const m = (n) => performance.getEntriesByName(n).pop();
		const s = m('scan-start'), c = m('check-start'), v = m('verdict');
		return {
			v: document.getElementById('result').dataset.verdict,
			text: document.getElementById('result').innerText,
			scanMs: s && v ? v.startTime - s.startTime : null,
			checkMs: c && v ? v.startTime - c.startTime : null
		};
	});
}

async function axe(page, desc) {
	const src = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
	await page.evaluate(src);
	const r = await page.evaluate(() => window.axe.run(document,
	    { resultTypes: ['violations'] }));
	ok(r.violations.length === 0, 'axe-core: 0 violations on ' + desc,
	    r.violations.map((x) => x.id + ': ' + x.help + ' (' +
	    x.nodes.map((n) => n.target.join(' ')).join(', ') + ')').join('\n'));
}

// Chromium's own verdict on installing the app (manifest, icons, worker).
async function installable(page) {
	const cdp = await page.createCDPSession();
	const m = await cdp.send('Page.getAppManifest');
	const r = await cdp.send('Page.getInstallabilityErrors');
	await cdp.detach();
	ok(m.errors.length === 0 && r.installabilityErrors.length === 0,
	    'installable: Chromium finds no manifest or installability error',
	    JSON.stringify([m.errors, r.installabilityErrors]));
}

// Loads the app (a fresh navigation): the verdict of what the camera shows.
async function open(page, url) {
	const resp = await page.goto(url, { waitUntil: 'load' });
	const r = await verdict(page);
	await page.waitForSelector('body[data-ready]', { timeout: 20000 }).catch(() => {});
	return { resp, r };
}

// Rescans with another card in front of the camera.
async function rescan(page, png) {
	writeY4m(png);
	await page.click('#again');
	return verdict(page);
}

// Types text (a number, QR text) with nothing before the camera.
async function typed(page, text) {
	writeY4m(null);
	if (await page.$('#result:not([hidden])') !== null)
		await page.click('#again');
	await page.type('#typed', text);
	await page.keyboard.press('Enter');	/* no click: nothing can move */
	return verdict(page);
}

function asOf(r) {
	const m = r && /as of (\S+)/.exec(r.text);
	return m ? m[1] : null;
}

async function main() {
	writeY4m(env.CARD1_PNG);
	const browser = await puppeteer.launch({
		executablePath: env.CHROME,
		headless: true,
		userDataDir: path.join(env.WORK, 'profile'),
		args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
		    '--no-first-run', '--disable-background-networking',
		    '--disable-component-update', '--disable-sync',
		    '--ignore-certificate-errors',
		    '--use-fake-ui-for-media-stream',
		    '--use-fake-device-for-media-stream',
		    '--use-file-for-fake-video-capture=' + Y4M]
	});
	try {
		await run(browser);
	} finally {
		await browser.close();
	}
}

async function run(browser) {
	const page = await browser.newPage();
	await page.setViewport({ width: 360, height: 800 });
	const errors = [];
	page.on('pageerror', (e) => errors.push(e.message));
	page.on('console', (m) => {
		if (['warn', 'warning', 'error'].includes(m.type()))
			console.log('# console: ' + m.text());
	});

	// 1. Online: the camera reads card 1.
	let { resp, r } = await open(page, env.APP);
	ok(resp.status() === 200, 'GET /app/ answers 200');
	const csp = resp.headers()['content-security-policy'] || '';
	ok(/script-src 'self'/.test(csp) && !/unsafe-inline/.test(csp),
	    "/app/ has its own CSP: script-src 'self', nothing inline", csp);
	if (env.HAVE_DATA !== '1')
		return noData(page, r);
	ok(r !== null && r.v === 'ok', 'online scan: VALID', r && r.text);
	ok(r !== null && /SAH/.test(r.text) && /VALID/.test(r.text) &&
	    r.text.includes(env.CARD1_NUMBER) && r.text.includes(env.CARD1_NAME),
	    'online scan: SAH / VALID with number and name', r && r.text);
	const t1 = asOf(r);
	ok(t1 !== null && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(t1),
	    'online scan: as of an ISO 8601 UTC time', r && r.text);
	if (r && r.scanMs !== null)
		console.log('# scan-to-verdict ' + r.scanMs.toFixed(0) +
		    ' ms (camera start to verdict), check ' +
		    r.checkMs.toFixed(1) + ' ms (QR text to verdict)');
	fs.mkdirSync(env.SHOTS, { recursive: true });
	await page.screenshot({ path: path.join(env.SHOTS, 'app-valid.png') });
	await axe(page, 'the VALID verdict');
	const sw = await page.evaluate(() => navigator.serviceWorker.ready
	    .then((reg) => reg.active !== null));
	ok(sw, 'the service worker is active');
	await installable(page);

	// 2. A card revoked after the last refresh; then no network.
	execFileSync(env.SKK, ['-c', env.SKK_CONF, 'revoke', env.CARD2_NUMBER,
	    '--reason', 'forged exam record'], { stdio: 'ignore' });
	await page.setOfflineMode(true);
	({ resp, r } = await open(page, env.APP));
	ok(resp.fromServiceWorker(), 'offline reload served by the service worker');
	ok(r !== null && r.v === 'ok' && asOf(r) === t1,
	    'offline: the same card VALID as of ' + t1, r && r.text);
	await axe(page, 'the offline VALID verdict');
	r = await rescan(page, env.CARD2_PNG);
	ok(r !== null && r.v === 'ok' && asOf(r) === t1,
	    'offline: a card revoked after the refresh still VALID as of ' + t1,
	    r && r.text);

	// 3. A stale list: the app's clock 25 hours on (test hook ?now=).
	const later = Math.floor(Date.parse(t1) / 1000) + 25 * 3600;
	({ r } = await open(page, env.APP + '?now=' + later));
	ok(r !== null && r.v === 'unknown' && /older than 24h/.test(r.text),
	    'stale list (25 h): TIDAK DAPAT DIPASTIKAN / CANNOT CONFIRM', r && r.text);
	ok(r !== null && /TIDAK DAPAT DIPASTIKAN/.test(r.text), 'stale: bilingual words',
	    r && r.text);
	await axe(page, 'the UNKNOWN verdict');

	// 4. A tampered QR, typed: NOT VALID (signature), still offline.
	r = await typed(page, env.TAMPERED);
	ok(r !== null && r.v === 'no' && /Signature not valid/.test(r.text) &&
	    !r.text.includes(env.CARD1_NAME), 'tampered QR: TIDAK SAH / NOT VALID, ' +
	    'signature, no holder data', r && r.text);
	await axe(page, 'the NOT VALID verdict');
	await page.screenshot({ path: path.join(env.SHOTS, 'app-tampered.png') });

	// 5. Online again: the refresh brings the revocation.
	await page.setOfflineMode(false);
	await sleep(2500);	/* the daemon republishes within 2 s */
	writeY4m(env.CARD2_PNG);
	({ r } = await open(page, env.APP));
	ok(r !== null && r.v === 'no' && /Revoked/.test(r.text),
	    'online again after a refresh: the revoked card NOT VALID', r && r.text);
	const t2 = asOf(r);
	ok(t2 !== null && t2 > t1, 'its as-of time is the new list\'s', t1 + ' -> ' + t2);
	const refreshed = await page.$eval('#refreshed', (e) => e.textContent);
	ok(/Last refreshed: \d{4}-/.test(refreshed), 'the app shows when it last refreshed',
	    refreshed);

	// 6. A number typed by hand, looked up in the number maps.
	r = await typed(page, env.CARD2_NUMBER);
	ok(r !== null && r.v === 'no' && /Revoked/.test(r.text) &&
	    /as of/.test(r.text), 'a number typed by hand, known to one ' +
	    'issuer: its status (revoked: NOT VALID)', r && r.text);
	r = await typed(page, env.CARD1_NUMBER);
	if (env.CARD3_PNG)	/* both issuers' first number */
		ok(r !== null && r.v === 'unknown' &&
		    /known to 2 issuers/.test(r.text), 'a number two issuers ' +
		    'know: CANNOT CONFIRM, ambiguous', r && r.text);
	else
		ok(r !== null && r.v === 'ok' && !r.text.includes(env.CARD1_NAME),
		    'a number typed by hand: VALID, no name', r && r.text);
	r = await typed(page, env.CARD1_NUMBER.replace(/ 0000000(\d) /, ' 0000009$1 '));
	ok(r !== null && r.v === 'no' && /Unknown number/.test(r.text),
	    'a number no issuer knows, all lists fresh: NOT VALID', r && r.text);

	// 7. A card of the second issuer, from the trust list.
	if (env.CARD3_PNG) {
		r = await rescan(page, env.CARD3_PNG);
		ok(r !== null && r.v === 'ok' && r.text.includes(env.ISSUER_B),
		    'a card of a second issuer from the trust list: VALID', r && r.text);
		if (r && r.scanMs !== null)
			console.log('# scan-to-verdict ' + r.scanMs.toFixed(0) +
			    ' ms for the second issuer\'s card');
		// Its genuine payload behind the first issuer's host.
		const h = /^HTTPS:\/\/[^/]*/i, host = env.CARD1_URL.match(h)[0];
		r = await typed(page, env.CARD3_URL.replace(h, host));
		ok(r !== null && r.v === 'no' && /Points to another site/.test(r.text),
		    'a second issuer\'s payload behind the first\'s host: NOT VALID, ' +
		    'points to another site', r && r.text);
	}
	// A host no trusted issuer has, and text that is no certificate QR.
	r = await typed(page, env.CARD1_URL.replace(/^HTTPS:\/\/[^/]*/i,
	    'HTTPS://SKK.EXAMPLE.ORG'));
	ok(r !== null && r.v === 'unknown' && /Issuer not trusted/.test(r.text),
	    'a QR of a host no trusted issuer has: CANNOT CONFIRM', r && r.text);
	r = await typed(page, env.CARD1_URL.replace(/\/V\/.*/, '/V/NOT-BASE32!'));
	ok(r !== null && r.v === 'no' && /Malformed QR/.test(r.text),
	    'garbage behind a trusted host: NOT VALID, malformed', r && r.text);
	r = await typed(page, 'MZXW6YTBOI');
	ok(r !== null && r.v === 'no' && /Malformed QR/.test(r.text),
	    'a bare text that is not a COSE_Sign1: NOT VALID, malformed', r && r.text);

	// Nothing of the cards is kept: not in storage, not in the page.
	writeY4m(null);
	await page.click('#again');
	const kept = await page.evaluate(async () => {
		let s = JSON.stringify(localStorage) + document.body.innerText;
		for (const name of await caches.keys()) {
			const c = await caches.open(name);
			for (const req of await c.keys())
				s += req.url + await (await c.match(req)).text();
		}
		return s;
	});
	ok(!kept.includes(env.CARD1_NAME) && !kept.includes(env.CARD1_NUMBER),
	    'no personal data kept after the verdict');
	await axe(page, 'the scan screen');
	ok(errors.length === 0, 'no script errors', errors.join('\n'));
}

// A daemon without the signed documents of #14: a genuine card is
// UNKNOWN, never NOT VALID, and shows nothing of the holder.
async function noData(page, r) {
	console.log('# SKIP the verdicts with status: this daemon serves no ' +
	    'issuer descriptor or no status list (/api/v1/issuer, /status/0)');
	ok(r !== null && r.v === 'unknown',
	    'no status data: a scanned card CANNOT CONFIRM', r && r.text);
	if (r && r.scanMs !== null)
		console.log('# scan-to-verdict ' + r.scanMs.toFixed(0) +
		    ' ms (camera start to verdict), check ' +
		    r.checkMs.toFixed(1) + ' ms (QR text to verdict)');
	await axe(page, 'the UNKNOWN verdict');
	const sw = await page.evaluate(() => navigator.serviceWorker.ready
	    .then((reg) => reg.active !== null));
	ok(sw, 'the service worker is active');
	await installable(page);
	await page.setOfflineMode(true);
	const o = await open(page, env.APP);
	ok(o.resp.fromServiceWorker(), 'offline reload served by the service worker');
	ok(o.r !== null && o.r.v === 'unknown', 'offline: CANNOT CONFIRM',
	    o.r && o.r.text);
	r = await typed(page, env.TAMPERED);
	ok(r !== null && r.v !== 'ok' && !r.text.includes(env.CARD1_NAME),
	    'a tampered QR with no status data: not VALID, no holder data',
	    r && r.text);
	writeY4m(null);
	await page.click('#again');
	await axe(page, 'the scan screen');
}

main().catch((e) => {
	ok(false, 'the browser test ran to its end', e.stack);
	process.exitCode = 1;
});
