// The page's side of the engine worker (www/worker.js): requests with ids,
// progress callbacks, cancel, and a fresh worker after a crash (a wasm panic).
import { wasmModule } from './wasm.js';

/** A new engine worker; it gets the page's compiled module as soon as there is one. */
function spawn() {
  // Named 'wasm-posted': the worker waits for the module compiled by the page (a
  // name, not a query: the page requests nothing but its plain static files).
  const worker = new Worker('dist/worker.js', { type: 'module', name: 'wasm-posted' });
  wasmModule.then((module) => worker.postMessage({ type: 'module', module }), () => {});
  return { worker, held: [] };
}

/**
 * The worker ./boot.js started before this module loaded, once: `{worker, held}`, the
 * module posted here if boot.js has not posted it yet. Null when there is none (or it
 * was taken).
 */
function adoptBooted() {
  const boot = globalThis.tidemarkBoot;
  if (!boot || boot.adopted) return null;
  boot.adopted = true;
  // After boot.js's own callback on the same promise (registered first): posted or not.
  boot.module.then(() => {
    if (!boot.posted) wasmModule.then((m) => boot.worker.postMessage({ type: 'module', module: m }), () => {});
  });
  return { worker: boot.worker, held: boot.held };
}

/** Talks to the engine worker; replaces it when it crashes. */
export class EngineClient {
  /** `onCrash(message, lostRequestTypes)` is called after the broken worker is ended. */
  constructor({ onCrash }) {
    this.onCrash = onCrash;
    this.pending = new Map();
    this.nextId = 1;
    this.worker = null;
  }

  /** The running worker: the one ./boot.js started (the first time), else a new one. */
  ensure() {
    if (this.worker) return this.worker;
    const { worker: w, held } = adoptBooted() ?? spawn();
    w.onmessage = (e) => this.receive(e.data);
    w.onerror = (e) => {
      e.preventDefault?.();
      this.crash(`the engine worker failed: ${e.message || 'it could not start'}`);
    };
    this.worker = w;
    wasmModule.catch((e) => {
      if (this.worker === w) this.crash(`the engine could not start: ${e?.message ?? e}`);
    });
    for (const m of held) this.receive(m);
    return w;
  }

  /** Sends `msg`; resolves with the answer, rejects with an Error whose `kind` is the worker's. */
  request(msg, onProgress) {
    const id = this.nextId++;
    const worker = this.ensure();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress, type: msg.type });
      worker.postMessage({ ...msg, id });
    });
  }

  /** Asks the worker to stop the current long job (load or fit). */
  cancel() {
    this.worker?.postMessage({ type: 'cancel' });
  }

  /**
   * Ends the worker at once (a synchronous fit cannot hear 'cancel'): every pending
   * request is rejected with kind 'cancelled'; the next request starts a fresh
   * worker, which holds no table until the file is loaded again.
   */
  restart() {
    this.worker?.terminate();
    this.worker = null;
    const lost = [...this.pending.values()];
    this.pending.clear();
    for (const p of lost) {
      const err = new Error('cancelled');
      err.kind = 'cancelled';
      p.reject(err);
    }
  }

  receive(m) {
    if (!m) return;
    // A mark for benches/browser/startup.mjs (the start-up of the real page).
    if (m.type === 'ready') return void performance.mark('tidemark:engine-ready');
    if (m.type === 'crashed') return this.crash(m.message);
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') return p.onProgress?.(m);
    this.pending.delete(m.id);
    if (m.type === 'error' || m.type === 'cancelled') {
      const err = new Error(m.type === 'cancelled' ? 'cancelled' : m.message);
      err.kind = m.type === 'cancelled' ? 'cancelled' : m.kind;
      err.line = m.line ?? null;
      p.reject(err);
    } else {
      p.resolve(m);
    }
  }

  /** Ends the broken worker; the next request starts a fresh one. */
  crash(message) {
    this.worker?.terminate();
    this.worker = null;
    const lost = [...this.pending.values()];
    this.pending.clear();
    for (const p of lost) {
      const err = new Error(message);
      err.kind = 'crashed';
      p.reject(err);
    }
    this.onCrash(message, lost.map((p) => p.type));
  }
}
