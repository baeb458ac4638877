// Which price model version is published: `npm run admin -- model publish <version>` writes it to
// KV, so a shipped version becomes active without a redeploy. Apart from registry.ts (which imports
// the model files) so the CLI, on Node, can import the key.

export const PUBLISHED_MODEL_KEY = 'model:price:published';

/**
 * The active version setting: the published one when there is one, else PRICE_MODEL_VERSION. KV
 * reads are cached at the edge for 60 s, so a publish reaches every location within about a
 * minute (at once where it was made). A failed read falls back to the var: not worth refusing a price over.
 */
export async function modelSetting(kv: KVNamespace, configured: string): Promise<string> {
  try {
    return (await kv.get(PUBLISHED_MODEL_KEY)) ?? configured;
  } catch (err) {
    console.warn(JSON.stringify({ level: 'warn', msg: 'published model read failed', error: String(err) }));
    return configured;
  }
}
