// The first script the page runs: a classic script (no imports, no exports), loaded
// parser-blocking in index.html's head. A module's body runs only once its whole
// import graph has arrived, and app.js's graph (some thirty modules over HTTP/1.1's
// six connections per host) delayed anything that waited on it by hundreds of
// milliseconds; an async or deferred script was fetched at low priority and ran
// after it too. Here, as soon as this one file has arrived, the engine starts: the
// wasm compile (its download already begun by index.html's preload, whose response
// this fetch takes) and the engine worker, which fetches its one script (dist/worker.js,
// its module graph bundled by scripts/bundle.mjs) while the page's script loads. The
// compiled module is posted to the worker at once, unless the page's EngineClient
// (./client.js) has already adopted the worker, in which case it posts. Left on
// `globalThis.tidemarkBoot` for ./wasm.js (the module) and ./client.js (the worker);
// nothing else is global (a block scopes the rest).
{
const boot = {
  // null when streaming compilation failed (a host serving .wasm with another MIME
  // type): ./wasm.js then compiles from bytes.
  module: WebAssembly.compileStreaming(fetch('/pkg/tidemark_bg.wasm')).catch(() => null),
  // Named 'wasm-posted': the worker waits for a posted module (see ./client.js).
  worker: new Worker('dist/worker.js', { type: 'module', name: 'wasm-posted' }),
  /** Messages from the worker before an EngineClient listened. */
  held: [],
  adopted: false,
  /** Whether this script posted the module (else ./client.js does, on adoption). */
  posted: false,
};
// When the engine worker was started (tests/e2e/startup.test.mjs: before the page's script ran).
performance.mark('tidemark:worker-started');
boot.worker.onmessage = (e) => {
  // The mark benches/browser/startup.mjs reads (./client.js makes it for later workers).
  if (e.data?.type === 'ready') performance.mark('tidemark:engine-ready');
  else boot.held.push(e.data);
};
boot.worker.onerror = (e) => {
  e.preventDefault?.();
  boot.held.push({ type: 'crashed', message: `the engine worker failed: ${e.message || 'it could not start'}` });
};
boot.module.then((module) => {
  if (module && !boot.adopted) {
    boot.worker.postMessage({ type: 'module', module });
    boot.posted = true;
  }
});
globalThis.tidemarkBoot = boot;
}
