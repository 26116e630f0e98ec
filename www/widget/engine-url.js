// Where the widget finds the engine module (tidemark.js + its wasm), relative to this
// file: served from www/widget/ beside /pkg/. scripts/build-wasm writes a copy into
// pkg/widget/ that points at ../tidemark.js, so the package works wherever it is hosted.
export const ENGINE_URL = new URL('../pkg/tidemark.js', import.meta.url).href;
