// The price model versions this checkout ships, for `model publish` (admin CLI) and for the next
// version a retrain writes (scripts/model/train.ts).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './wrangler';

/** The versions this checkout ships: models/price-<version>.json cards (registered in src/ml/registry.ts). */
export function shippedPriceVersions(): string[] {
  const dir = path.join(ROOT, 'models');
  return readdirSync(dir)
    .filter((f) => /^price-.+\.json$/.test(f))
    .map((f) => (JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { version: string }).version);
}
