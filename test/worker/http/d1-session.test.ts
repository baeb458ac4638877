import { describe, expect, it } from 'vitest';
import { newShop } from '../fixtures';
import { call } from '../helpers';

describe('D1 read replication (Sessions API)', () => {
  it('a response that touched D1 returns the session bookmark, and sending it back is accepted', async () => {
    const s = await newShop();
    const me = await call('/api/v1/auth/me', { token: s.access });
    const bookmark = me.headers.get('x-d1-bookmark');
    expect(bookmark).toEqual(expect.any(String));
    const again = await call('/api/v1/auth/me', { token: s.access, headers: { 'X-D1-Bookmark': bookmark! } });
    expect(again.status).toBe(200);
    // Bookmarks only move forward.
    expect(again.headers.get('x-d1-bookmark')! >= bookmark!).toBe(true);
  });

  it('responses that never touched D1 carry no bookmark', async () => {
    const res = await call('/health');
    expect(res.headers.get('x-d1-bookmark')).toBeNull();
  });
});
