/* skkd — SPDX-License-Identifier: ISC */
/*
 * The service worker of /app/: keeps the app's own files (the shell) so
 * that it opens with no network. The signed documents it checks cards
 * against are kept by app.js in Cache Storage, not here. make writes the
 * hash of the shell's files into VERSION, so a new build replaces the
 * old cache on the next start with a network.
 */
'use strict';

const VERSION = '@VERSION@';
const SHELL = 'skk-app-' + VERSION;
const FILES = ['./', 'app.js', 'jsQR.js', 'style.css',
    'manifest.webmanifest', 'icon.svg'];

self.addEventListener('install', (ev) => {
	ev.waitUntil(caches.open(SHELL)
	    .then((c) => c.addAll(FILES.map((f) => new Request(f,
	    { cache: 'reload' }))))
	    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (ev) => {
	ev.waitUntil(caches.keys()
	    .then((ks) => Promise.all(ks.filter((k) =>
	    k.startsWith('skk-app-') && k !== SHELL)
	    .map((k) => caches.delete(k))))
	    .then(() => self.clients.claim()));
});

/* The shell from the cache (the query, e.g. ?now=, does not matter). */
self.addEventListener('fetch', (ev) => {
	const u = new URL(ev.request.url);
	if (ev.request.method !== 'GET' || u.origin !== location.origin ||
	    !u.pathname.startsWith(new URL('./', location.href).pathname))
		return;
	ev.respondWith(caches.open(SHELL)
	    .then((c) => c.match(ev.request, { ignoreSearch: true }))
	    .then((r) => r || fetch(ev.request)));
});
