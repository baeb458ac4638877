// Which price model version is published: `npm run admin -- model publish <version>` writes it to
// KV, so a shipped version becomes active without a redeploy. Apart from registry.ts (which imports
// the model files) so the CLI, on Node, can import the key.

import type { Context } from 'hono';
import { errorText, log } from '../http/logger';
import type { AppEnv } from '../http/types';

export const PUBLISHED_MODEL_KEY = 'model:price:published';

/**
 * The active version setting: the published one when there is one, else PRICE_MODEL_VERSION. The
 * price routes have the guard read the key with the revocation marks (`signedIn(…, PRICE_MODEL_READ)`),
 * so it costs no round trip of its own; KV reads are cached at the edge for 60 s, so a publish
 * reaches every location within about a minute (at once where it was made). A failed read falls
 * back to the var: not worth refusing a price over.
 */
export async function modelSetting(c: Context<AppEnv>): Promise<string> {
  const configured = c.get('config').priceModelVersion;
  const read = c.get('kvRead');
  if (read?.has(PUBLISHED_MODEL_KEY)) return read.get(PUBLISHED_MODEL_KEY) ?? configured;
  try {
    return (await c.env.AUTH_KV.get(PUBLISHED_MODEL_KEY)) ?? configured;
  } catch (err) {
    log('warn', 'published model read failed', { error: errorText(err) });
    return configured;
  }
}

/** For `signedIn`: the KV key the price routes need read with the revocation marks. */
export const PRICE_MODEL_READ = [PUBLISHED_MODEL_KEY] as const;
