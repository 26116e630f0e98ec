// The engine's wasm module, compiled once per page: on the main thread, streaming
// (V8 validates in the background and compiles functions lazily, on first call),
// begun by ./boot.js before the page's other modules load, or here when it did not. The page instantiates it for drawing and
// posts it to every engine worker it starts (www/js/client.js), which then only
// instantiates it: one download and one compile, however many workers.

const URL_WASM = new URL('/pkg/tidemark_bg.wasm', location.href);

async function compile() {
  try {
    return await WebAssembly.compileStreaming(fetch(URL_WASM));
  } catch {
    // A static host that serves .wasm without application/wasm: compile from bytes.
    const response = await fetch(URL_WASM);
    if (!response.ok) throw new Error(`could not fetch ${URL_WASM.pathname}: HTTP ${response.status}`);
    return WebAssembly.compile(await response.arrayBuffer());
  }
}

/**
 * The compiled module (a promise shared by the whole page): the one ./boot.js began
 * compiling, if it ran and succeeded, else compiled here.
 */
export const wasmModule = Promise.resolve(globalThis.tidemarkBoot?.module ?? null).then((m) => m ?? compile());
