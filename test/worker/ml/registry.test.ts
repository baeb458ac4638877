import { describe, expect, it } from 'vitest';
import { compareSemver, MODELS, onceUntilFailure, type RegisteredModel, resolveModel } from '../../../src/ml/registry';

const fake = (version: string) =>
  ({ card: { ...MODELS[0]!.card, version }, bytes: new ArrayBuffer(0) }) as RegisteredModel;

describe('model registry', () => {
  it('"latest" is the highest semver, not the last listed or the highest string', () => {
    const models = [fake('1.2.0'), fake('1.10.0'), fake('1.9.3')];
    expect(resolveModel('latest', models)?.card.version).toBe('1.10.0');
    expect(resolveModel('1.9.3', models)?.card.version).toBe('1.9.3');
    expect(resolveModel('2.0.0', models)).toBeUndefined();
    expect(compareSemver('1.0.10', '1.0.9')).toBeGreaterThan(0);
    expect(resolveModel('latest')?.card.version).toBe('1.0.0');
  });

  it('concurrent first callers share one creation', async () => {
    let calls = 0;
    const cache = onceUntilFailure(async (k: string) => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      return `${k}!`;
    });
    const got = await Promise.all([cache.get('a'), cache.get('a'), cache.get('a')]);
    expect(got).toEqual(['a!', 'a!', 'a!']);
    expect(calls).toBe(1);
    await cache.get('a');
    expect(calls).toBe(1);
  });

  it('a failed creation is retried by a later call, not cached', async () => {
    let calls = 0;
    const cache = onceUntilFailure(async () => {
      calls++;
      if (calls === 1) throw new Error('wasm went away');
      return 'session';
    });
    const first = await Promise.allSettled([cache.get('m'), cache.get('m')]);
    expect(first.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
    expect(cache.has('m')).toBe(false);
    expect(await cache.get('m')).toBe('session');
    expect(calls).toBe(2);
  });
});
