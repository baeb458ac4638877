// Issue 11, item 7: `npm test` brings the Chromium the browser tests need (its `pretest` runs
// scripts/ensure-chromium.sh). Never installs anything here: the missing case runs with --dry-run
// or without apt-get on its PATH.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json';
import { CHROMIUM } from './chromium';

const SCRIPT = path.join(import.meta.dirname, '../../scripts/ensure-chromium.sh');
const run = (env: Record<string, string | undefined>, ...args: string[]) =>
  spawnSync('/bin/bash', [SCRIPT, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });

describe('scripts/ensure-chromium.sh', () => {
  it('is what `npm test` runs first, and before the browser suite alone', () => {
    expect(pkg.scripts.pretest).toBe('bash scripts/ensure-chromium.sh');
    expect(pkg.scripts['pretest:browser']).toBe('bash scripts/ensure-chromium.sh');
  });

  it('does nothing when Chromium is there', () => {
    const r = run({ CHROMIUM_PATH: CHROMIUM });
    expect(r.status).toBe(0);
    expect(r.stdout + r.stderr).toBe('');
  });

  it('when Chromium is missing, installs it with apt-get where it can (dry run here)', () => {
    const r = run({ CHROMIUM_PATH: '/nonexistent/chromium' }, '--dry-run');
    if (r.status === 0) {
      expect(r.stdout).toMatch(
        /^would run: (sudo -n )?env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium$/m,
      );
    } else {
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('apt-get install -y chromium');
    }
  });

  it('when it cannot install (no apt-get), stops with one line saying how', () => {
    const bin = mkdtempSync(path.join(tmpdir(), 'no-apt-'));
    for (const tool of ['id', 'sudo']) {
      const found = spawnSync('/bin/bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      if (found) symlinkSync(found, path.join(bin, tool));
    }
    const r = run({ CHROMIUM_PATH: '/nonexistent/chromium', PATH: bin });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      'Chromium not found at /nonexistent/chromium: install it with `apt-get install -y chromium` (as root), or set CHROMIUM_PATH',
    ]);
  });
});
