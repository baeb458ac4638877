// `npm run bundle:size`: what `npm run deploy` would upload, measured offline. Builds the production
// bundle with `wrangler deploy --dry-run --outdir` (no account, no network), then prints each module's
// raw and gzip size and the totals against Workers' size limits. Exits 1 only when a paid account
// could not deploy it (over 10 MiB gzip, or over 64 MiB uncompressed).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { wrangler } from './lib/wrangler';

const MiB = 1024 * 1024;

/**
 * Workers' size limits (developers.cloudflare.com/workers/platform/limits, "Worker size"). Until
 * 2026-09-04 the gzip size was capped at 3 MiB (Free) and 10 MiB (Paid); Cloudflare's changelog of
 * that day dropped both for one 64 MiB uncompressed limit on every plan. An account may still see the
 * old caps, so both are checked.
 */
const LIMITS = [
  { name: 'Free, gzip (before 2026-09-04)', bytes: 3 * MiB, of: 'gzip', blocking: false },
  { name: 'Paid, gzip (before 2026-09-04)', bytes: 10 * MiB, of: 'gzip', blocking: true },
  { name: 'every plan, uncompressed', bytes: 64 * MiB, of: 'raw', blocking: true },
] as const;

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const pad = (cells: string[], widths: number[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd : c.padStart).call(c, widths[i]!)).join('  ');

function table(header: string[], rows: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [pad(header, widths), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => pad(r, widths))].join(
    '\n',
  );
}

const outdir = mkdtempSync(path.join(tmpdir(), 'tijori-bundle-'));
try {
  const log = wrangler(['deploy', '--dry-run', '--outdir', outdir, '--env', 'production'], null);
  // What wrangler uploads: the entry and its modules; source maps are not uploaded (no upload_source_maps).
  const modules = readdirSync(outdir)
    .filter((f) => !f.endsWith('.map') && f !== 'README.md')
    .map((f) => {
      const bytes = readFileSync(path.join(outdir, f));
      // Wrangler names attached modules `<sha1>-<name>`.
      return { name: f.replace(/^[0-9a-f]{40}-/, ''), bytes, gzip: gzipSync(bytes).byteLength };
    })
    .sort((a, b) => b.bytes.byteLength - a.bytes.byteLength);
  const raw = modules.reduce((n, m) => n + m.bytes.byteLength, 0);
  // As wrangler measures it: the modules gzipped as one stream.
  const gzip = gzipSync(Buffer.concat(modules.map((m) => m.bytes))).byteLength;

  console.log('Production bundle (wrangler deploy --dry-run --env production)\n');
  console.log(
    table(
      ['module', 'raw', 'gzip'],
      [...modules.map((m) => [m.name, kib(m.bytes.byteLength), kib(m.gzip)]), ['total', kib(raw), kib(gzip)]],
    ),
  );
  const reported = /Total Upload: .*/.exec(log)?.[0];
  if (reported) console.log(`\nwrangler: ${reported}`);

  const size = { raw, gzip };
  const checks = LIMITS.map((l) => ({ ...l, used: size[l.of], over: size[l.of] > l.bytes }));
  console.log(
    `\n${table(
      ['limit', 'measured', 'allowed', 'used', ''],
      checks.map((c) => [
        c.name,
        kib(c.used),
        kib(c.bytes),
        `${((c.used / c.bytes) * 100).toFixed(0)}%`,
        c.over ? 'OVER' : 'ok',
      ]),
    )}`,
  );
  const blocking = checks.filter((c) => c.over && c.blocking);
  if (blocking.length > 0) {
    console.error(`\nThe bundle is over ${blocking.map((c) => c.name).join(' and ')}: a deploy would be refused.`);
    process.exitCode = 1;
  } else if (checks.some((c) => c.over)) {
    console.log('\nOver the old Free-plan cap: deploys need a Paid plan wherever that cap still applies.');
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
