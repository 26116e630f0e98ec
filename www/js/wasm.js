// The engine's wasm module, compiled once per page: streaming compilation starts as
// soon as this module is imported, on the main thread (V8 compiles in the
// background), while the worker starts. The page instantiates it for drawing and
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

/** The compiled module (a promise shared by the whole page). */
export const wasmModule = compile();
