// The admin CLI's frame: command specs (one source for parsing and help), option parsing, the
// confirmation of destructive commands, progress lines and exit codes. Results go to stdout;
// progress, questions and errors to stderr.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { describeTarget, type Target } from '../lib/wrangler';

/** Exit 1: the operation failed. Exit 2: the command line was wrong, or the command was not confirmed. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
    /** Print the help after the message (the command line was wrong). */
    readonly showHelp = false,
  ) {
    super(message);
  }
}

export const usageError = (message: string) => new CliError(message, 2, true);
const notConfirmed = (message: string) => new CliError(message, 2);

interface OptionSpec {
  /** Placeholder shown in help; a string option has one, a flag has none. */
  value?: string;
  help: string;
  required?: boolean;
}

export interface Command {
  /** e.g. "shop suspend" */
  words: string;
  /** Positional arguments, e.g. "<slug>". */
  args?: string[];
  summary: string;
  options?: Record<string, OptionSpec>;
  /** Asks before it runs (or needs --yes). */
  destructive?: boolean;
  run(ctx: Context): Promise<void>;
}

export interface Context {
  target: Target;
  opts: ReturnType<typeof parseArgs>['values'];
  /** A string option's value, parsed by a shared field schema (the API's own rules). */
  field<T>(name: string, schema: z.ZodType<T>): T;
  /** Asks on the terminal (stderr/stdin); refuses without --yes when there is none. */
  confirm(question: string): Promise<void>;
}

const GLOBAL: Record<string, OptionSpec> = {
  remote: { help: 'act on the deployed resources (wrangler --remote --env production)' },
  'persist-to': { value: '<dir>', help: 'local state directory (default .wrangler/state, as npm start)' },
  yes: { help: 'skip the confirmation of a destructive command' },
  help: { help: 'this help' },
};

const optionUsage = (name: string, o: OptionSpec) => {
  const text = `--${name}${o.value ? ` ${o.value}` : ''}`;
  return o.required ? text : `[${text}]`;
};

export function help(commands: Command[]): string {
  const lines = [
    'Tijori admin CLI: operates shops, users, sessions, migrations and the price model through wrangler.',
    '',
  ];
  lines.push('Usage: npm run admin -- <command> [options]', '', 'Commands:');
  for (const c of commands) {
    const opts = Object.entries(c.options ?? {}).map(([n, o]) => optionUsage(n, o));
    if (c.destructive) opts.push('[--yes]');
    lines.push(`  ${[c.words, ...(c.args ?? []), ...opts].join(' ')}`, `      ${c.summary}`);
    for (const [n, o] of Object.entries(c.options ?? {})) lines.push(`        --${n.padEnd(16)} ${o.help}`);
  }
  lines.push('', 'Global options:');
  for (const [n, o] of Object.entries(GLOBAL))
    lines.push(`  --${`${n}${o.value ? ` ${o.value}` : ''}`.padEnd(18)} ${o.help}`);
  lines.push(
    '',
    'Without --remote every command acts on the local state that `npm start` and `wrangler dev` use.',
    'Destructive commands ask for confirmation on a terminal; without one they need --yes.',
    'Exit status: 0 done, 1 failed, 2 usage error or not confirmed.',
  );
  return lines.join('\n');
}

async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^(y|yes)$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** Progress of a step that talks to D1 or KV (seconds each, longer remotely). */
export const step = (message: string) => process.stderr.write(`› ${message}\n`);

/** Finds the command and parses its options; a CliError(2) for anything it does not know. */
export function parse(commands: Command[], argv: string[]): { command: Command; ctx: Context } | 'help' {
  if (argv[0] === '--help' || argv[0] === '-h') return 'help';
  if (argv.length === 0) throw usageError('no command given');
  const words = argv.slice(0, 2).join(' ');
  const command = commands.find((c) => words === c.words || argv[0] === c.words);
  if (!command) throw usageError(`unknown command: ${words}`);
  const rest = argv.slice(command.words.split(' ').length);
  const specs = { ...command.options, ...GLOBAL };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: Object.fromEntries(
        Object.entries(specs).map(([n, o]) => [n, { type: o.value ? ('string' as const) : ('boolean' as const) }]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw usageError(`${command.words}: ${(err as Error).message}`);
  }
  const { values: opts, positionals } = parsed;
  if (opts.help) return 'help';
  const expected = command.args?.length ?? 0;
  if (positionals.length !== expected) {
    throw usageError(`${command.words} takes ${expected ? command.args!.join(' ') : 'no arguments'}`);
  }
  for (const [n, o] of Object.entries(command.options ?? {})) {
    if (o.required && opts[n] === undefined) throw usageError(`${command.words} needs --${n} ${o.value}`);
  }
  if (opts.remote && opts['persist-to'] !== undefined) throw usageError('--remote and --persist-to do not mix');
  const target: Target = opts.remote
    ? { remote: true }
    : { remote: false, persistTo: opts['persist-to'] as string | undefined };

  const ctx: Context = {
    target,
    opts,
    field(name, schema) {
      const raw = name.startsWith('<') ? positionals[command.args!.indexOf(name)] : opts[name];
      const r = schema.safeParse(raw);
      if (!r.success) {
        const label = name.startsWith('<') ? name : `--${name}`;
        throw usageError(`${label}: ${r.error.issues.map((i) => i.message).join('; ')}`);
      }
      return r.data;
    },
    async confirm(question) {
      if (opts.yes) return;
      const where = `[${describeTarget(target)}]`;
      if (!process.stdin.isTTY || !process.stderr.isTTY) {
        throw notConfirmed(`${command.words} is destructive and there is no terminal to confirm on: pass --yes`);
      }
      if (!(await ask(`${where} ${question}`))) throw notConfirmed('Not confirmed; nothing was changed.');
    },
  };
  return { command, ctx };
}
