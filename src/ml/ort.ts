// onnxruntime-web in workerd: the WASM backend, single-threaded, instantiated from the module
// wrangler compiled at deploy time, because workerd refuses to compile WebAssembly from bytes at
// run time ("disallowed by embedder") and ORT can only hand emscripten bytes (env.wasm.wasmBinary).
import * as ort from 'onnxruntime-web/wasm';
// A relative path, not the package's export: wrangler's module collector resolves wasm imports
// against the importing file, not through node_modules.
import ortWasm from '../../node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.wasm';

export type { InferenceSession } from 'onnxruntime-web/wasm';
export { Tensor } from 'onnxruntime-web/wasm';

/**
 * Stands in for the wasm bytes: ORT only needs `wasmBinary` to be set (so it neither fetches a URL
 * nor imports the glue separately); emscripten then passes a view of this buffer to
 * `WebAssembly.instantiate`, which is where the precompiled module is swapped in.
 */
const PLACEHOLDER = new ArrayBuffer(8);

ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;
ort.env.wasm.wasmBinary = PLACEHOLDER;
ort.env.logLevel = 'error';

const isPlaceholder = (source: unknown) =>
  source === PLACEHOLDER || (ArrayBuffer.isView(source) && source.buffer === PLACEHOLDER);

const realInstantiate = WebAssembly.instantiate;
const precompiledInstantiate = ((source: unknown, imports?: WebAssembly.Imports) => {
  if (isPlaceholder(source)) {
    return realInstantiate(ortWasm, imports).then((instance) => ({ instance, module: ortWasm }));
  }
  return (realInstantiate as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>)(source, imports);
}) as typeof WebAssembly.instantiate;
let creating = 0;

/**
 * Runs `fn` with `WebAssembly.instantiate` answering the placeholder with an instance of the
 * precompiled module. Scoped to session creation (the only time ORT instantiates its wasm), counted
 * so overlapping creations restore the real function only when the last one ends, and touching
 * nothing but the placeholder, so any other caller in the isolate gets the real behaviour.
 */
async function withPrecompiledWasm<T>(fn: () => Promise<T>): Promise<T> {
  if (creating++ === 0) WebAssembly.instantiate = precompiledInstantiate;
  try {
    return await fn();
  } finally {
    if (--creating === 0) WebAssembly.instantiate = realInstantiate;
  }
}

/** An inference session for ONNX `bytes` (initialises the WASM backend on first use). */
export const createSession = (bytes: ArrayBuffer): Promise<ort.InferenceSession> =>
  withPrecompiledWasm(() =>
    ort.InferenceSession.create(new Uint8Array(bytes), {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    }),
  );
