/**
 * The ConfigStore contract: one suite for every implementation (memory-config-store.test.ts,
 * redis-config-store.test.ts). `makeStore` must return a fresh, empty store each time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigStore } from './config-store.ts';

export function describeConfigStoreContract(name: string, makeStore: () => ConfigStore | Promise<ConfigStore>): void {
  describe(`ConfigStore contract: ${name}`, () => {
    const open: ConfigStore[] = [];
    const fresh = async () => { const s = await makeStore(); open.push(s); return s; };
    afterEach(async () => { for (const s of open.splice(0)) await s.close(); });

    it('stores copies of JSON documents by key', async () => {
      const s = await fresh();
      expect(await s.get('roster:2026-01-05')).toBeNull();
      const doc = { date: '2026-01-05', entries: [{ agentId: 'a1', shiftStart: '08:00' }] };
      await s.set('roster:2026-01-05', doc);
      doc.entries[0]!.agentId = 'changed';
      expect(await s.get('roster:2026-01-05')).toEqual({ date: '2026-01-05', entries: [{ agentId: 'a1', shiftStart: '08:00' }] });
      await s.set('roster:2026-01-05', { v: 2 });
      expect(await s.get('roster:2026-01-05')).toEqual({ v: 2 });
    });

    it('lists keys by prefix, sorted, and forgets deleted ones', async () => {
      const s = await fresh();
      for (const k of ['roster:2026-01-06', 'break-plan:t1', 'roster:2026-01-05', 'rosterx', 'user:ÄÖ']) await s.set(k, 1);
      expect(await s.keys('roster:')).toEqual(['roster:2026-01-05', 'roster:2026-01-06']);
      expect(await s.keys('user:')).toEqual(['user:ÄÖ']);
      expect(await s.keys('')).toHaveLength(5);
      await s.delete('roster:2026-01-05');
      await s.delete('never-there');
      expect(await s.keys('roster:')).toEqual(['roster:2026-01-06']);
      expect(await s.get('roster:2026-01-05')).toBeNull();
    });

    it('tells watchers about changes and deletions until they stop', async () => {
      const s = await fresh();
      const seen: string[] = [];
      const stop = s.watch((k) => seen.push(k));
      await s.set('a', 1);
      await s.delete('a');
      await s.delete('a'); // nothing to delete: no notification
      expect(seen).toEqual(['a', 'a']);
      stop();
      await s.set('b', 1);
      expect(seen).toEqual(['a', 'a']);
    });
  });
}
