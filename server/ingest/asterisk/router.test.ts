import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ErrorBodySchema } from '../../../shared/errors.ts';
import { MemoryLog } from '../../store/memory-log.ts';
import { StoreUnavailableError, type EventLog } from '../../store/event-log.ts';
import { IngestService } from '../ingest-service.ts';
import { ASTERISK_QUEUE_LOG_PATH } from '../paths.ts';
import { createAsteriskRouter } from './router.ts';

const corpus = readFileSync(new URL('./fixtures/queue_log.sample', import.meta.url), 'utf8');

let log: MemoryLog;
let down = false;
let server: Server;
let base: string;

/** MemoryLog that can pretend the store is down. */
class FlakyLog extends MemoryLog {
  override async append(...args: Parameters<EventLog['append']>) {
    if (down) throw new StoreUnavailableError('redis down', 3);
    return super.append(...args);
  }
}

let router: express.Router;

beforeAll(async () => {
  const app = express();
  // Each test gets a fresh router and log behind one server.
  app.use((req, res, next) => router(req, res, next));
  await new Promise<void>((resolve) => { server = app.listen(0, '127.0.0.1', () => resolve()); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => { await new Promise((r) => server.close(r)); });
beforeEach(() => {
  log = new FlakyLog();
  down = false;
  router = createAsteriskRouter({ ingest: new IngestService(log), agentMap: { '张伟': 'zhangwei' }, transferQueues: { '2000@from-internal': 'billing' } });
});

const post = (body: string, query = '', type = 'text/plain') =>
  fetch(`${base}${ASTERISK_QUEUE_LOG_PATH}${query}`, { method: 'POST', headers: { 'content-type': type }, body });

describe(`POST ${ASTERISK_QUEUE_LOG_PATH}`, () => {
  it('stores the mapped events and answers 202 with counts; re-sending counts only duplicates', async () => {
    const res = await post(corpus);
    expect(res.status).toBe(202);
    const body = await res.json() as { accepted: number; duplicates: number; ignored: number; rejected: { line: number; reason: string }[] };
    // 69 derived events, 2 of them repeat line 28 (a duplicate line)
    expect(body).toMatchObject({ accepted: 67, duplicates: 2, ignored: 12 });
    expect(body.rejected.map((r) => r.line)).toEqual([53, 54, 55, 56, 57, 58, 59, 60, 61, 72, 73]);
    const stored = await log.readAfter('0-0', 1000);
    expect(stored).toHaveLength(67);
    expect(stored.every((e) => e.event.id.startsWith('aq:'))).toBe(true);
    expect(stored.find((e) => e.event.type === 'agent.login' && e.event.agentId === 'zhangwei')).toBeDefined();

    const again = await (await post(corpus)).json() as typeof body;
    expect(again.accepted).toBe(0);
    expect(again.duplicates).toBeGreaterThan(40); // agent lines older than the agent's newest one are ignored the second time
    expect(await log.readAfter('0-0', 1000)).toHaveLength(67);
  });

  it('accepts text/plain with a charset and an empty body', async () => {
    const res = await post('', '', 'text/plain; charset=utf-8');
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: 0, duplicates: 0, ignored: 0, rejected: [] });
  });

  it('atomic=true: any malformed line answers 400 with per-line issues and applies nothing', async () => {
    const res = await post(corpus, '?atomic=true');
    expect(res.status).toBe(400);
    const body = ErrorBodySchema.parse(await res.json());
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.issues?.[0]).toEqual({ path: 'line 53', message: 'expected at least 5 fields (epoch|callid|queue|agent|event), got 1' });
    expect(body.error.issues).toHaveLength(11);
    expect(await log.readAfter('0-0', 10)).toHaveLength(0);

    const good = corpus.split('\n').slice(0, 52).join('\n');
    const ok = await post(good, '?atomic=true');
    expect(ok.status).toBe(202);
    expect((await ok.json() as { rejected: unknown[] }).rejected).toEqual([]);
  });

  it('answers 415 with the shared error body for other content types', async () => {
    const res = await post(JSON.stringify({ lines: [] }), '', 'application/json');
    expect(res.status).toBe(415);
    const body = ErrorBodySchema.parse(await res.json());
    expect(body.error.code).toBe('unsupported_media_type');
    const none = await fetch(`${base}${ASTERISK_QUEUE_LOG_PATH}`, { method: 'POST' });
    expect(none.status).toBe(415);
  });

  it('answers 503 with Retry-After while the store is down, and the retry stores the batch', async () => {
    const lines = '1763856010|1763856010.21|support|NONE|ENTERQUEUE||13800138000|1\n1763856001|NONE|support|PJSIP/1001|ADDMEMBER|\n';
    down = true;
    const res = await post(lines);
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(ErrorBodySchema.parse(await res.json()).error.code).toBe('store_unavailable');
    down = false;
    expect(await (await post(lines)).json()).toMatchObject({ accepted: 2, duplicates: 0 });
  });

  it('keeps per-agent memory across requests, but only for stored batches', async () => {
    await post('1763860001|NONE|support|PJSIP/2001|ADDMEMBER|\n1763860001|NONE|sales|PJSIP/2001|ADDMEMBER|\n');
    // Removing one of two queues does not log the agent out...
    expect(await (await post('1763860100|NONE|support|PJSIP/2001|REMOVEMEMBER|')).json()).toMatchObject({ accepted: 0, ignored: 1 });
    // ...a rejected atomic batch teaches nothing...
    expect((await post('1763860200|NONE|sales|PJSIP/2001|REMOVEMEMBER|\nbroken', '?atomic=true')).status).toBe(400);
    // ...and the last one does.
    expect(await (await post('1763860200|NONE|sales|PJSIP/2001|REMOVEMEMBER|')).json()).toMatchObject({ accepted: 1, ignored: 0 });
    const types = (await log.readAfter('0-0', 10)).map((e) => e.event.type);
    expect(types).toEqual(['agent.login', 'agent.logout']);
  });

  it('answers 413 for a body over the limit', async () => {
    const big = `${'1763856010|1763856010.21|support|NONE|ENTERQUEUE||1|1\n'.repeat(400_000)}`; // ~21 MB
    const res = await post(big);
    expect(res.status).toBe(413);
    expect(ErrorBodySchema.parse(await res.json()).error.code).toBe('payload_too_large');
  });
});
