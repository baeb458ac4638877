/** A file's text, imported with Vite's `?raw` (the README's worked example in the pricing test). */
declare module '*?raw' {
  const text: string;
  export default text;
}
