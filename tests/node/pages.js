// skkd — SPDX-License-Identifier: ISC
//
// The script-free HTTPS pages (verdicts, home, errors, the form's answer)
// in headless Chromium at a phone's 360x800, driven by
// tests/regress/browser.sh: axe-core audits each page (0 violations), and
// the DOM must show what axe cannot judge: the verdict heading is the
// first thing read, each language's text carries its lang, and the
// verdict's colour comes with a word and a mark. Prints "ok - ..." and
// "not ok - ..." lines that the script numbers.
//
// Environment: CHROME; PAGES, lines of
// tab-separated "KIND NAME URL" where KIND is verdict (a verdict page),
// home or error, or "form NAME URL NUMBER HOLDER MATCH": the home page at
// URL, NUMBER and HOLDER typed into its form and sent, and the verdict
// page that answers must say MATCH ("COCOK" or "TIDAK COCOK").

'use strict';

const fs = require('fs');
const puppeteer = require('puppeteer-core');

function ok(cond, desc, why) {
	console.log((cond ? 'ok - ' : 'not ok - ') + desc);
	if (!cond && why)
		console.log('#   ' + String(why).split('\n').join('\n#   '));
	return cond;
}

async function axe(page, name) {
	const src = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
	await page.evaluate(src);
	const r = await page.evaluate(() => window.axe.run(document,
	    { resultTypes: ['violations'] }));
	console.log('# axe-core ' + name + ': ' + r.violations.length +
	    ' violations, ' + r.passes.length + ' rules passed');
	ok(r.violations.length === 0, name + ': axe-core finds 0 violations',
	    r.violations.map((x) => x.id + ': ' + x.help + ' (' +
	    x.nodes.map((n) => n.target.join(' ')).join(', ') + ')').join('\n'));
}

// Words only one of the two languages uses on these pages; a text node
// holding one must sit under that language's lang.
const WORDS = {
	en: /\b(Certificate|Name|Check|VALID|NOT|CANNOT|CONFIRM|Replaced|Corrects|Reason|Valid|Checked|Holder's|Compare|Masked|MATCHES|MATCH|Revoked|Signature|Issued|Level|Classification|Issuer|Job|Scan|verifier|not recorded|Unknown|Malformed)\b/,
	id: /\b(Nomor|Nama|Periksa|SAH|TIDAK|Diganti|Koreksi|Alasan|Berlaku|Diperiksa|Dicabut|Cocokkan|COCOK|Jabatan|Jenjang|Penerbit|Tanggal|pemegang|Permintaan|pindai|belum dicatat)\b/,
};

function domFacts() {
	const main = document.querySelector('main');
	const h1 = document.querySelector('h1');
	// The first text a screen reader reaches (aria-hidden skipped).
	let first = '';
	const tw = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
	for (let n = tw.nextNode(); n; n = tw.nextNode())
		if (n.textContent.trim() && !n.parentElement.closest('[aria-hidden="true"]')) {
			first = n.parentElement.closest('h1') ? 'h1' :
			    n.textContent.trim();
			break;
		}
	const texts = [];
	const all = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	for (let n = all.nextNode(); n; n = all.nextNode()) {
		const t = n.textContent.trim();
		if (!t || n.parentElement.closest('dd:not(#match)'))
			continue;	/* record values: names, titles */
		texts.push({ t, lang: n.parentElement.closest('[lang]').lang });
	}
	const v = document.getElementById('verdict');
	return {
		htmlLang: document.documentElement.lang,
		h1: h1 ? h1.innerText.trim() : null,
		first,
		texts,
		verdict: v ? {
			cls: v.className,
			bg: getComputedStyle(v).backgroundColor,
			mark: (v.querySelector('h1 [aria-hidden="true"]') || {}).textContent,
			word: v.querySelector('h1').innerText.replace(/^\W+/, '').trim(),
			en: (v.querySelector('p[lang="en"]') || {}).textContent,
		} : null,
		match: (document.getElementById('match') || {}).innerText || null,
	};
}

async function check(page, kind, name, url, typed) {
	let resp = await page.goto(url, { waitUntil: 'load' });
	if (kind === 'form') {
		await page.type('#n', typed[0]);
		await page.type('#m', typed[1]);
		[resp] = await Promise.all([page.waitForNavigation(),
		    page.click('button[type="submit"]')]);
		kind = 'verdict';
	}
	ok(resp !== null, name + ': the page loads (' + (resp && resp.status()) + ')');
	await axe(page, name);
	const f = await page.evaluate(domFacts);
	ok(f.htmlLang === 'id', name + ': <html lang="id">', f.htmlLang);
	ok(f.first === 'h1', name + ': the h1 is the first thing read',
	    'first text: ' + f.first);
	const wrong = [];
	for (const x of f.texts)
		for (const lang of ['en', 'id'])
			if (WORDS[lang].test(x.t) && x.lang !== lang)
				wrong.push('"' + x.t + '" is lang=' + x.lang);
	ok(wrong.length === 0, name + ': English text under lang="en", ' +
	    'Indonesian under lang="id"', wrong.join('\n'));
	if (kind === 'verdict') {
		const v = f.verdict;
		const marks = { 'b ok': ['\u2713', 'SAH', 'VALID'],
		    'b no': ['\u2717', 'TIDAK SAH', 'NOT VALID'],
		    'b un': ['?', 'TIDAK DAPAT DIPASTIKAN', 'CANNOT CONFIRM'] };
		const want = v && marks[v.cls];
		ok(want && v.mark === want[0] && v.word === want[1] &&
		    v.en === want[2], name + ': the verdict has a word in both ' +
		    'languages and a mark besides its colour', JSON.stringify(v));
		console.log('# ' + name + ': ' + (v && (v.mark + ' ' + v.word +
		    ' / ' + v.en + ' on ' + v.bg)) + (f.match ? '; ' +
		    f.match : ''));
	}
	return f;
}

(async () => {
	const browser = await puppeteer.launch({
		executablePath: process.env.CHROME,
		headless: true,
		acceptInsecureCerts: true,
		args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
		    '--ignore-certificate-errors'],
	});
	const page = await browser.newPage();
	await page.setViewport({ width: 360, height: 800 });
	for (const line of process.env.PAGES.split('\n')) {
		const [kind, name, url, ...typed] = line.split('\t');
		if (!url)
			continue;
		const f = await check(page, kind, name, url, typed);
		if (kind === 'form')
			ok(f.match !== null && f.match.replace(/^\W+/, '')
			    .startsWith(typed[2] + ' /'), name + ': the typed ' +
			    'name is said to ' + (typed[2] === 'COCOK' ? '' :
			    'not ') + 'match', f.match);
	}
	await browser.close();
})().catch((e) => {
	console.log('not ok - the page script: ' + e.message);
	process.exit(1);
});
