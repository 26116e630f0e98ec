// The first module the page runs (index.html loads it async, ahead of app.js): starts
// the engine — the wasm compile (./wasm.js, its download already begun by the
// preload in index.html) and the engine worker — while the page's other modules are
// still loading. The page's EngineClient (./state.js) adopts that worker.
import { startEarly } from './client.js';

startEarly();
