// What every trainer's command line and card share: `--version`, `--seed`, `--out`, `--fixtures`
// (plus its own options), and the card's `created` time.
import { parseArgs } from 'node:util';

export interface TrainerArgs {
  version: string;
  seed: number;
  out: string;
  fixtures: string;
  /** The trainer's own options, as given or defaulted. */
  [option: string]: string | number;
}

export function trainerArgs(seed: string, own: Record<string, string> = {}): TrainerArgs {
  const options = Object.fromEntries(
    Object.entries({ version: '1.0.0', seed, out: 'models', fixtures: 'test/fixtures', ...own }).map(([k, v]) => [
      k,
      { type: 'string' as const, default: v },
    ]),
  );
  const values = parseArgs({ options }).values as Record<string, string>;
  if (!/^\d+\.\d+\.\d+$/.test(values.version!))
    throw new Error(`--version must be semver (x.y.z), got ${values.version}`);
  return {
    ...values,
    version: values.version!,
    seed: Number(values.seed),
    out: values.out!,
    fixtures: values.fixtures!,
  };
}

/** Now, or SOURCE_DATE_EPOCH when set, so a retrain can reproduce the card byte for byte too. */
export const createdAt = () =>
  process.env.SOURCE_DATE_EPOCH
    ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000).toISOString()
    : new Date().toISOString();
