import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EventBatchSchema, EventSchema, type EventInput } from '../../../shared/events.ts';
import { mapQueueLog, QueueLogMapper, verbRank, type QueueLogOptions } from './mapper.ts';

const corpus = readFileSync(new URL('./fixtures/queue_log.sample', import.meta.url), 'utf8');
const corpusLines = corpus.split('\n');
const options: QueueLogOptions = { agentMap: { '张伟': 'zhangwei' }, transferQueues: { '2000@from-internal': 'billing' }, agentTeams: { '1003': 'team-a' } };

type Body = Record<string, unknown> & { type: string };
/** [line number in the corpus, slot, body, ts when not the line's epoch]. */
type Expected = [number, number, Body, number?];

const expected: Expected[] = [
  [3, 0, { type: 'agent.login', agentId: '1001', teamId: 'support' }],
  [5, 0, { type: 'agent.login', agentId: '1002', teamId: 'support' }],
  [5, 1, { type: 'agent.state', agentId: '1002', state: 'break', reason: 'short_break' }],
  [6, 0, { type: 'agent.login', agentId: '1003', teamId: 'team-a' }],
  [7, 0, { type: 'agent.login', agentId: 'john-smith', teamId: 'billing', name: 'John Smith' }],
  [8, 0, { type: 'agent.login', agentId: '1004', teamId: 'support' }],
  [11, 0, { type: 'call.queued', callId: '1763856010.21', queueId: 'support' }],
  [12, 0, { type: 'agent.state', agentId: '1002', state: 'available' }],
  [13, 0, { type: 'agent.state', agentId: '1001', state: 'ringing' }, 1763856005000],
  [13, 1, { type: 'agent.state', agentId: '1001', state: 'available' }],
  [14, 0, { type: 'agent.state', agentId: '1001', state: 'away', reason: 'auto_pause' }],
  [15, 0, { type: 'call.answered', callId: '1763856010.21', queueId: 'support', agentId: '1002' }],
  [15, 1, { type: 'agent.state', agentId: '1002', state: 'on_call' }],
  // line 16: PAUSE|Lunch during the call is deferred to the call's end
  [17, 0, { type: 'call.ended', callId: '1763856010.21', agentId: '1002' }],
  [17, 1, { type: 'agent.state', agentId: '1002', state: 'break', reason: 'meal' }],
  [18, 0, { type: 'agent.state', agentId: '1001', state: 'available' }],
  [19, 0, { type: 'call.queued', callId: '1763856100.31', queueId: 'support' }],
  [20, 0, { type: 'call.abandoned', callId: '1763856100.31', queueId: 'support' }],
  [21, 0, { type: 'call.queued', callId: '1763856110.41', queueId: 'billing' }],
  [22, 0, { type: 'call.timeout', callId: '1763856110.41', queueId: 'billing' }],
  [23, 0, { type: 'call.queued', callId: '1763856200.51', queueId: 'support' }],
  [24, 0, { type: 'call.abandoned', callId: '1763856200.51', queueId: 'support' }],
  [25, 0, { type: 'call.queued', callId: '1763856300.61', queueId: 'vip' }],
  [26, 0, { type: 'call.abandoned', callId: '1763856300.61', queueId: 'vip' }],
  [27, 0, { type: 'call.queued', callId: '1763856400.71', queueId: 'support' }],
  [28, 0, { type: 'call.answered', callId: '1763856400.71', queueId: 'support', agentId: '1001' }],
  [28, 1, { type: 'agent.state', agentId: '1001', state: 'on_call' }],
  // line 29 repeats line 28 byte for byte: same ids
  [29, 0, { type: 'call.answered', callId: '1763856400.71', queueId: 'support', agentId: '1001' }],
  [29, 1, { type: 'agent.state', agentId: '1001', state: 'on_call' }],
  [30, 0, { type: 'call.transferred', callId: '1763856400.71', fromAgentId: '1001', toQueueId: 'billing' }],
  [30, 1, { type: 'call.ended', callId: '1763856400.71', agentId: '1001' }],
  [30, 2, { type: 'agent.state', agentId: '1001', state: 'available' }],
  [31, 0, { type: 'call.queued', callId: '1763856600.81', queueId: 'support' }],
  [32, 0, { type: 'call.answered', callId: '1763856600.81', queueId: 'support', agentId: '1004' }],
  [32, 1, { type: 'agent.state', agentId: '1004', state: 'on_call' }],
  [33, 0, { type: 'call.transferred', callId: '1763856600.81', fromAgentId: '1004', toAgentId: '1005' }],
  [33, 1, { type: 'call.ended', callId: '1763856600.81', agentId: '1004' }],
  [33, 2, { type: 'agent.state', agentId: '1004', state: 'available' }],
  [34, 0, { type: 'call.queued', callId: '1763856800.91', queueId: 'billing' }],
  [35, 0, { type: 'call.answered', callId: '1763856800.91', queueId: 'billing', agentId: 'john-smith' }],
  [35, 1, { type: 'agent.state', agentId: 'john-smith', state: 'on_call' }],
  [36, 0, { type: 'call.transferred', callId: '1763856800.91', fromAgentId: 'john-smith', toAgentId: 'unknown' }],
  [36, 1, { type: 'call.ended', callId: '1763856800.91', agentId: 'john-smith' }],
  [36, 2, { type: 'agent.state', agentId: 'john-smith', state: 'available' }],
  [37, 0, { type: 'call.queued', callId: '1763857000.11', queueId: 'support' }],
  [38, 0, { type: 'call.answered', callId: '1763857000.11', queueId: 'support', agentId: '1001' }],
  [38, 1, { type: 'agent.state', agentId: '1001', state: 'on_call' }],
  [39, 0, { type: 'call.ended', callId: '1763857000.11', agentId: '1001' }],
  [39, 1, { type: 'agent.state', agentId: '1001', state: 'available' }],
  [41, 0, { type: 'call.transferred', callId: '1763857100.21', fromAgentId: '1003', toAgentId: '1006' }],
  [41, 1, { type: 'call.ended', callId: '1763857100.21', agentId: '1003' }],
  [41, 2, { type: 'agent.state', agentId: '1003', state: 'available' }],
  [42, 0, { type: 'agent.state', agentId: '1001', state: 'break', reason: 'short_break' }],
  [43, 0, { type: 'agent.state', agentId: '1001', state: 'break', reason: 'training' }],
  [44, 0, { type: 'agent.state', agentId: '1001', state: 'available' }],
  // 45 UNPAUSE repeat, 46 RINGNOANSWER|0, 47 REMOVEMEMBER while still in `sales`: nothing
  [48, 0, { type: 'agent.logout', agentId: '1001' }],
  [49, 0, { type: 'agent.logout', agentId: '1003' }],
  [50, 0, { type: 'agent.login', agentId: '1007', teamId: 'unassigned' }],
  [51, 0, { type: 'agent.logout', agentId: '1007' }],
  // 52: a late agent line (older than the last one seen for 1002) is taken for a re-send: nothing
  [62, 0, { type: 'call.queued', callId: '1763857800.5', queueId: 'support' }],
  [64, 0, { type: 'agent.login', agentId: 'zhangwei', teamId: 'support', name: '张伟' }],
  [65, 0, { type: 'agent.login', agentId: 'jose-nunez', teamId: 'support', name: 'José Núñez' }],
  [66, 0, { type: 'agent.state', agentId: '1004', state: 'ringing' }, 1763857997000],
  [66, 1, { type: 'agent.state', agentId: '1004', state: 'available' }],
  [69, 0, { type: 'call.queued', callId: '1763858003.7', queueId: 'support' }],
  [70, 0, { type: 'call.queued', callId: '1763858004.8', queueId: 'support' }],
  [71, 0, { type: 'call.answered', callId: '1763858004.8', queueId: 'support', agentId: '1008' }],
  [71, 1, { type: 'agent.state', agentId: '1008', state: 'on_call' }],
  [74, 0, { type: 'call.queued', callId: '1763858008.9', queueId: 'sales-team' }],
];

function expectedEvent([line, slot, body, ts]: Expected): EventInput {
  const raw = corpusLines[line - 1]!.trim();
  const hash = createHash('sha1').update(raw).digest('hex');
  return { id: `aq:${verbRank(raw.split('|')[4]!.toUpperCase())}:${hash}:${slot}`, ts: ts ?? Number(raw.split('|')[0]) * 1000, ...body } as EventInput;
}

describe('mapQueueLog over the fixture corpus', () => {
  const result = mapQueueLog(corpus, options);

  it('derives exactly the expected events, in line order', () => {
    expect(result.events).toEqual(expected.map(expectedEvent));
  });

  it('counts lines, ignored lines and rejects malformed ones with their line numbers', () => {
    expect(result.lines).toBe(72); // 74 minus a blank and a whitespace-only line
    // QUEUESTART, CONFIGRELOAD, 2nd ADDMEMBER, DID, deferred PAUSE, INFO, repeated UNPAUSE, RINGNOANSWER|0,
    // REMOVEMEMBER of one of two queues, late PAUSE, lower-case custom verb, SYSCOMPAT
    expect(result.ignored).toBe(12);
    expect(result.rejected).toEqual([
      { line: 53, reason: 'expected at least 5 fields (epoch|callid|queue|agent|event), got 1' },
      { line: 54, reason: 'epoch "17638x6000" is not a number of seconds' },
      { line: 55, reason: 'ENTERQUEUE: missing callid' },
      { line: 56, reason: 'COMPLETEAGENT: holdtime (data1) "abc" is not a number' },
      { line: 57, reason: 'ENTERQUEUE: missing queue' },
      { line: 58, reason: 'CONNECT: missing agent' },
      { line: 59, reason: 'expected at least 5 fields (epoch|callid|queue|agent|event), got 1' },
      { line: 60, reason: 'expected at least 5 fields (epoch|callid|queue|agent|event), got 4' },
      { line: 61, reason: 'epoch 99 is out of range (2000–2099)' },
      { line: 72, reason: 'COMPLETEAGENT: missing calltime (data2)' },
      { line: 73, reason: 'ENTERQUEUE: callid "bad callid!" is not a valid id' },
    ]);
    expect(result.events.length + result.ignored + result.rejected.length).toBeGreaterThanOrEqual(result.lines);
  });

  it('produces only events that the shared EventSchema accepts, as one valid batch', () => {
    for (const e of result.events) expect(EventSchema.safeParse(e).error).toBeUndefined();
    expect(EventBatchSchema.safeParse(result.events).success).toBe(true);
  });

  it('never carries the caller number unless asked', () => {
    expect(JSON.stringify(result.events)).not.toContain('13800138000');
    const withCaller = mapQueueLog('1763856010|1763856010.21|support|NONE|ENTERQUEUE||13800138000|1', { includeCaller: true });
    expect(withCaller.events[0]).toMatchObject({ type: 'call.queued', caller: '13800138000' });
  });

  it('gives the same ids for the same lines however they are batched (CRLF or not)', () => {
    const again = new QueueLogMapper(options);
    const half = Math.floor(corpusLines.length / 2);
    const ids = [...again.map(corpusLines.slice(0, half)).events, ...again.map(corpusLines.slice(half).join('\r\n')).events].map((e) => e.id);
    expect(ids).toEqual(result.events.map((e) => e.id));
  });
});

describe('mapping decisions', () => {
  const line = (ts: number, callId: string, queue: string, agent: string, verb: string, ...data: string[]) => [ts, callId, queue, agent, verb, ...data].join('|');
  const T = 1763856000;

  it('normalizes agent names and lets agentMap override raw or normalized names', () => {
    const agents = ['SIP/1001', 'PJSIP/1001', 'IAX2/1001', 'Local/1001@from-queue/n', 'Agent/1001', '1001', 'PJSIP/1001-0000001a', 'Local/1001@from-queue-00000012;1'];
    for (const a of agents) expect(mapQueueLog(line(T, 'NONE', 'q1', a, 'ADDMEMBER', '')).events[0]).toMatchObject({ agentId: '1001' });
    const map = { agentMap: { 'PJSIP/1001': 'alice', '1002': 'bob' } };
    expect(mapQueueLog(line(T, 'NONE', 'q1', 'PJSIP/1001', 'ADDMEMBER', ''), map).events[0]).toMatchObject({ agentId: 'alice' });
    expect(mapQueueLog(line(T, 'NONE', 'q1', 'SIP/1002', 'ADDMEMBER', ''), map).events[0]).toMatchObject({ agentId: 'bob' });
    const chinese = mapQueueLog(line(T, 'NONE', 'q1', '李娜', 'ADDMEMBER', '')).events[0]!;
    expect(chinese).toMatchObject({ type: 'agent.login', name: '李娜' });
    expect((chinese as { agentId: string }).agentId).toMatch(/^agent-[0-9a-f]{10}$/);
  });

  it('maps teams from agentTeams, then queueTeams, then the queue; defaultTeam without a queue', () => {
    const o: QueueLogOptions = { agentTeams: { '1001': 't-agent' }, queueTeams: { support: 't-support' }, defaultTeam: 'floor' };
    const r = mapQueueLog([
      line(T, 'NONE', 'sales', 'PJSIP/1001', 'ADDMEMBER', ''),
      line(T, 'NONE', 'support', 'PJSIP/1002', 'ADDMEMBER', ''),
      line(T, 'NONE', 'billing', 'PJSIP/1003', 'ADDMEMBER', ''),
      line(T, 'NONE', 'NONE', 'Agent/1004', 'AGENTLOGIN', 'PJSIP/1004-00000001'),
    ], o);
    expect(r.events.map((e) => (e as { teamId: string }).teamId)).toEqual(['t-agent', 't-support', 'billing', 'floor']);
  });

  it('normalizes pause reasons, with a default and custom reasons', () => {
    const pause = (reason: string, o: QueueLogOptions = {}) => mapQueueLog(line(T, 'NONE', 'q1', 'PJSIP/1001', 'PAUSE', reason), o).events[0];
    expect(pause('')).toMatchObject({ state: 'break', reason: 'short_break' });
    expect(pause('Lunch')).toMatchObject({ state: 'break', reason: 'meal' });
    expect(pause('午餐')).toMatchObject({ state: 'break', reason: 'meal' });
    expect(pause('Quality Check')).toMatchObject({ state: 'break', reason: 'quality_check' });
    expect(pause('Auto-Pause')).toMatchObject({ state: 'away', reason: 'auto_pause' });
    expect(pause('', { defaultPauseReason: 'other' })).toMatchObject({ reason: 'other' });
    expect(pause('Coaching', { pauseReasons: { coaching: 'coaching' } })).toMatchObject({ state: 'break', reason: 'coaching' });
    expect(pause('WC', { pauseReasons: { wc: { state: 'away', reason: 'restroom' } } })).toMatchObject({ state: 'away', reason: 'restroom' });
  });

  it('EXITEMPTY can count as a timeout', () => {
    const l = line(T, '1.1', 'q1', 'NONE', 'EXITEMPTY', '1', '1', '2');
    expect(mapQueueLog(l).events[0]).toMatchObject({ type: 'call.abandoned' });
    expect(mapQueueLog(l, { exitEmptyAs: 'timeout' }).events[0]).toMatchObject({ type: 'call.timeout' });
  });

  it('a pause taken and lifted during a call leaves the agent available at the end', () => {
    const r = mapQueueLog([
      line(T, '1.1', 'q1', 'PJSIP/1001', 'CONNECT', '3', '1.2', '2'),
      line(T + 10, 'NONE', 'q1', 'PJSIP/1001', 'PAUSE', 'Lunch'),
      line(T + 20, 'NONE', 'q1', 'PJSIP/1001', 'UNPAUSE', ''),
      line(T + 30, '1.1', 'q1', 'PJSIP/1001', 'COMPLETECALLER', '3', '30', '1'),
    ]);
    expect(r.events.map((e) => [e.type, (e as { state?: string }).state])).toEqual([
      ['call.answered', undefined], ['agent.state', 'on_call'], ['call.ended', undefined], ['agent.state', 'available'],
    ]);
    expect(r.ignored).toBe(2);
  });

  it('a ring on a second line during a call does not change the agent state', () => {
    const r = mapQueueLog([
      line(T, '1.1', 'q1', 'PJSIP/1001', 'CONNECT', '3', '1.2', '2'),
      line(T + 10, '2.1', 'q1', 'PJSIP/1001', 'RINGNOANSWER', '5000'),
    ]);
    expect(r.events).toHaveLength(2);
    expect(r.ignored).toBe(1);
  });

  it('fork/adopt: a fork learns without changing the original until adopted', () => {
    const m = new QueueLogMapper();
    m.map(line(T, 'NONE', 'q1', 'PJSIP/1001', 'ADDMEMBER', ''));
    const fork = m.fork();
    fork.map(line(T + 1, 'NONE', 'q2', 'PJSIP/1001', 'ADDMEMBER', ''));
    // The original does not know about q2: removing q1 logs the agent out.
    expect(m.fork().map(line(T + 2, 'NONE', 'q1', 'PJSIP/1001', 'REMOVEMEMBER', '')).events).toHaveLength(1);
    m.adopt(fork);
    expect(m.map(line(T + 2, 'NONE', 'q1', 'PJSIP/1001', 'REMOVEMEMBER', '')).events).toHaveLength(0);
  });

  it('re-sending lines already mapped adds no new event ids', () => {
    const m = new QueueLogMapper(options);
    const first = new Set(m.map(corpus).events.map((e) => e.id));
    const again = m.map(corpus);
    expect(again.events.filter((e) => !first.has(e.id))).toEqual([]);
    expect(again.rejected).toHaveLength(11);
  });

  it('orders events of the same second as Asterisk writes them (ts, then id)', () => {
    const byFoldOrder = (events: EventInput[]) => [...events].sort((a, b) => (a.ts as number) - (b.ts as number) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const states = (text: string[]) => byFoldOrder(mapQueueLog(text).events).filter((e) => e.type === 'agent.state').map((e) => (e as { state: string }).state);
    // a call ends, the agent pauses in the same second
    expect(states([line(T, '1.1', 'q1', 'PJSIP/1001', 'CONNECT', '3', '1.2', '2'), line(T + 60, '1.1', 'q1', 'PJSIP/1001', 'COMPLETEAGENT', '3', '60', '1'), line(T + 60, 'NONE', 'q1', 'PJSIP/1001', 'PAUSE', 'Lunch')]))
      .toEqual(['on_call', 'available', 'break']);
    // ring no answer, then Asterisk's auto-pause
    expect(states([line(T, '1.1', 'q1', 'PJSIP/1001', 'RINGNOANSWER', '15000'), line(T, 'NONE', 'q1', 'PJSIP/1001', 'PAUSE', 'Auto-Pause')]))
      .toEqual(['ringing', 'available', 'away']);
    // unpause, and a call connects at once
    expect(states([line(T, 'NONE', 'q1', 'PJSIP/1001', 'UNPAUSE', ''), line(T, '1.1', 'q1', 'PJSIP/1001', 'CONNECT', '3', '1.2', '2')]))
      .toEqual(['available', 'on_call']);
  });

  it('rejects invalid options early', () => {
    expect(() => new QueueLogMapper({ agentMap: { x: 'has space' } })).toThrow(/agentMap/);
    expect(() => new QueueLogMapper({ defaultPauseReason: '' })).toThrow(/defaultPauseReason/);
  });
});
