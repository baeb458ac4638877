// Backups: a timestamped SQL dump of D1 (`wrangler d1 export`) beside a manifest (rows per table,
// SHA-256 of the dump), and the restore of one into a fresh local state, checked against its
// manifest. Production is restored in place with D1 Time Travel instead (README "Backups and restore").
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count, sql } from 'drizzle-orm';
import { z } from 'zod';
import { rowCounts, schemaFirst, splitStatements } from '../lib/sql-dump';
import { d1Client, d1File, describeTarget, exportD1, ROOT } from '../lib/wrangler';
import { CliError, type Command, step, usageError } from './cli';

export interface Manifest {
  format: 1;
  created_at: string;
  /** What was backed up, e.g. "remote (production)". */
  source: string;
  /** The dump's file name; it lives beside this manifest. */
  dump: string;
  bytes: number;
  sha256: string;
  /** Rows per table in the dump, counted from its INSERTs (the dump itself, not a second read). */
  tables: Record<string, number>;
}

/** `x.sql` → `x.manifest.json`. */
export const manifestPathOf = (dump: string) => `${dump.replace(/\.sql$/, '')}.manifest.json`;

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const totalRows = (tables: Record<string, number>) => Object.values(tables).reduce((a, b) => a + b, 0);

export const backup: Command = {
  words: 'backup',
  summary: 'Write a timestamped SQL dump of D1 (wrangler d1 export) and its manifest (rows per table, sha256).',
  options: { out: { value: '<dir>', help: 'the directory to write them to (default backups/)' } },
  destructive: true,
  async run(ctx) {
    // A remote export holds the database while it runs (README "Backups and restore").
    if (ctx.target.remote) await ctx.confirm('Export the production database (it is busy while the export runs)?');
    const dir = path.resolve(String(ctx.opts.out ?? path.join(ROOT, 'backups')));
    mkdirSync(dir, { recursive: true });
    const createdAt = new Date().toISOString();
    const name = `tijori-${ctx.target.remote ? 'production' : 'local'}-${createdAt.replace(/[:.]/g, '-')}`;
    const dump = path.join(dir, `${name}.sql`);
    step(`D1 ${describeTarget(ctx.target)}: exporting to ${dump}`);
    exportD1(ctx.target, dump);
    const bytes = readFileSync(dump);
    const manifest: Manifest = {
      format: 1,
      created_at: createdAt,
      source: describeTarget(ctx.target),
      dump: path.basename(dump),
      bytes: bytes.byteLength,
      sha256: sha256(bytes),
      tables: rowCounts(splitStatements(bytes.toString('utf8'))),
    };
    writeFileSync(manifestPathOf(dump), `${JSON.stringify(manifest, null, 2)}\n`);
    console.log(`dump: ${dump}`);
    console.log(`manifest: ${manifestPathOf(dump)}`);
    console.log(
      `Backed up ${Object.keys(manifest.tables).length} tables, ${totalRows(manifest.tables)} rows (sha256 ${manifest.sha256}).`,
    );
  },
};

function readManifest(dump: string): Manifest {
  const file = manifestPathOf(dump);
  if (!existsSync(file)) throw new CliError(`no manifest beside the dump (expected ${file})`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (err) {
    throw new CliError(`${file} is not a manifest: ${(err as Error).message}`);
  }
}

/** Each table whose count differs, as "table: expected N, found M". */
const differences = (expected: Record<string, number>, found: Record<string, number>) =>
  [...new Set([...Object.keys(expected), ...Object.keys(found)])]
    .filter((t) => expected[t] !== found[t])
    .map((t) => `${t}: expected ${expected[t] ?? 'no table'}, found ${found[t] ?? 'no table'}`);

export const restore: Command = {
  words: 'restore',
  args: ['<file>'],
  summary:
    'Load a backup (.sql, its manifest beside it) into a fresh local state (--persist-to <new dir>) and check it against the manifest.',
  async run(ctx) {
    const target = ctx.target;
    if (target.remote) {
      throw usageError('restore loads a local state only; production is restored with D1 Time Travel (README)');
    }
    if (!target.persistTo) {
      throw usageError('restore needs --persist-to <dir>, a new or empty directory (never the state npm start uses)');
    }
    const state = path.resolve(ROOT, target.persistTo);
    if (existsSync(state) && readdirSync(state).length > 0) {
      throw new CliError(`${state} is not empty: restore into a new directory, so no state is overwritten`);
    }
    const dump = path.resolve(ctx.field('<file>', z.string().endsWith('.sql', 'the backup’s .sql file')));
    if (!existsSync(dump)) throw new CliError(`no such file: ${dump}`);
    const manifest = readManifest(dump);
    const bytes = readFileSync(dump);
    if (sha256(bytes) !== manifest.sha256) {
      throw new CliError(
        `${path.basename(dump)} does not match its manifest's sha256: changed or not the file backed up`,
      );
    }
    const statements = splitStatements(bytes.toString('utf8'));

    step(`D1 ${describeTarget(target)}: loading ${statements.length} statements`);
    const ordered = mkdtempSync(path.join(tmpdir(), 'tijori-restore-'));
    try {
      const file = path.join(ordered, 'restore.sql');
      writeFileSync(file, `${schemaFirst(statements).join('\n')}\n`);
      d1File(target, file);
    } finally {
      rmSync(ordered, { recursive: true, force: true });
    }

    step(`D1 ${describeTarget(target)}: counting rows`);
    const tables = Object.keys(manifest.tables);
    // The tables the dump holds (d1_migrations too), named at run time: Drizzle quotes each name.
    const db = d1Client(target);
    const counts = tables.map((t) => db.select({ n: count() }).from(sql`${sql.identifier(t)}`));
    const results = await db.batch(counts as [(typeof counts)[number], ...typeof counts]);
    const found = Object.fromEntries(tables.map((t, i) => [t, Number(results[i]?.[0]?.n)]));
    const wrong = differences(manifest.tables, found);
    if (wrong.length > 0)
      throw new CliError(`the restored state does not match the manifest:\n  ${wrong.join('\n  ')}`);
    console.log(
      `Restored ${tables.length} tables, ${totalRows(found)} rows into ${state}, as the manifest records (sha256 ${manifest.sha256}).`,
    );
    console.log(`Serve it with: npx wrangler dev --persist-to ${state}`);
  },
};
