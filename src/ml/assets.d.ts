// wrangler.toml's module rules: `*.wasm` arrives compiled (CompiledWasm), `*.onnx` as bytes (Data).
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
declare module '*.onnx' {
  const bytes: ArrayBuffer;
  export default bytes;
}
