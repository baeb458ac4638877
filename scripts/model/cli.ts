// What every trainer's command line and card share: `--version`, `--seed`, `--out`, `--fixtures`
// (plus its own options and flags), and the card's `created` time.
import { parseArgs } from 'node:util';

export interface TrainerArgs {
  version: string;
  seed: number;
  out: string;
  fixtures: string;
  /** The trainer's own options, as given or defaulted (undefined: an option without a default, not given). */
  [option: string]: string | number | boolean | undefined;
}

/** `own`: the trainer's string options and their defaults; `flags`: its boolean options (false unless given). */
export function trainerArgs(
  seed: string,
  own: Record<string, string | undefined> = {},
  flags: readonly string[] = [],
): TrainerArgs {
  const options = {
    ...Object.fromEntries(
      Object.entries({ version: '1.0.0', seed, out: 'models', fixtures: 'test/fixtures', ...own }).map(([k, v]) => [
        k,
        { type: 'string' as const, ...(v === undefined ? {} : { default: v }) },
      ]),
    ),
    ...Object.fromEntries(flags.map((f) => [f, { type: 'boolean' as const, default: false }])),
  };
  const values = parseArgs({ options }).values as Record<string, string | boolean | undefined>;
  const version = String(values.version);
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`--version must be semver (x.y.z), got ${version}`);
  return {
    ...values,
    version,
    seed: Number(values.seed),
    out: String(values.out),
    fixtures: String(values.fixtures),
  };
}

/** Now, or SOURCE_DATE_EPOCH when set, so a retrain can reproduce the card byte for byte too. */
export const createdAt = () =>
  process.env.SOURCE_DATE_EPOCH
    ? new Date(Number(process.env.SOURCE_DATE_EPOCH) * 1000).toISOString()
    : new Date().toISOString();
