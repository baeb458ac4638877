// Running `npm run admin` against the suite's Worker state, and the API calls that check what it did.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, inject } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

export type Json = Record<string, any>;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One run of a project script (tsx), its stdin fed `input` and closed. */
export function runScript(script: string, args: string[], input = ''): Promise<Run> {
  const child = spawn(TSX, [script, ...args], {
    cwd: ROOT,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d;
  });
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * One CLI run on the Worker's local state. stdin is a pipe (never a terminal): `input` feeds
 * --password-stdin, and a destructive command without --yes has no one to ask. Asynchronous, so the
 * event loop sees the Worker close idle keep-alive sockets meanwhile (a blocked loop would reuse one).
 */
export const admin = (args: string[], input = '', persistTo = inject('workerState')): Promise<Run> =>
  runScript('scripts/admin/main.ts', [...args, '--persist-to', persistTo], input);

/** A run that must succeed. */
export async function adminOk(args: string[], input = '', persistTo?: string): Promise<Run> {
  const r = await admin(args, input, persistTo);
  expect(r.code, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

let counter = 0;
/** A fresh slug and email domain per call, so tests share the Worker without meeting. */
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${(counter++).toString(36)}`;

/** The password a generating command printed, once, on its own `password:` line. */
export function printedPassword(r: Run): string {
  const m = /^password: (\S+)$/m.exec(r.stdout);
  expect(m, r.stdout).not.toBeNull();
  return m![1]!;
}

/** A new shop through the CLI: its slug, the owner's email and printed password. */
export async function createShop(prefix = 'shop') {
  const slug = unique(prefix);
  const email = `owner@${slug}.example`;
  const r = await adminOk([
    'shop',
    'create',
    '--slug',
    slug,
    '--name',
    `${prefix} jewellers`,
    '--owner-email',
    email,
    '--owner-name',
    'Owner',
  ]);
  return { slug, email, password: printedPassword(r), output: r };
}

/** A user added to the shop through the CLI: their email and printed password. */
export async function addUser(shopSlug: string, role: 'owner' | 'manager' | 'cashier') {
  const email = `${role}@${shopSlug}.example`;
  const r = await adminOk(['user', 'create', '--shop', shopSlug, '--email', email, '--name', role, '--role', role]);
  return { email, password: printedPassword(r) };
}

export async function api(route: string, init: { method?: string; json?: unknown; token?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.json !== undefined) headers['Content-Type'] = 'application/json';
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  const res = await fetch(`${inject('workerUrl')}/api/v1${route}`, {
    method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
    headers,
    body: init.json === undefined ? undefined : JSON.stringify(init.json),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Json };
}

export const login = (email: string, password: string) => api('/auth/login', { json: { email, password } });

/** A signed-in session (asserts the login worked). */
export async function signIn(email: string, password: string) {
  const { status, body } = await login(email, password);
  expect(status, JSON.stringify(body)).toBe(200);
  return { access: body.data.tokens.access_token as string, refresh: body.data.tokens.refresh_token as string };
}

export const meStatus = async (access: string) => (await api('/auth/me', { token: access })).status;

export const refresh = (refreshToken: string) => api('/auth/refresh', { json: { refresh_token: refreshToken } });
