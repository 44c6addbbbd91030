/** One well-formed Asterisk queue_log line: `epoch|callid|queue|agent|event|data1|data2|...`. */
export interface QueueLogLine {
  /** The line as hashed for event ids: trailing CR and surrounding whitespace removed. */
  raw: string;
  /** Event time in epoch milliseconds (queue_log has one-second resolution). */
  ts: number;
  /** Asterisk uniqueid of the caller's channel, or `NONE`. */
  callId: string;
  /** Queue name, or `NONE`. */
  queue: string;
  /** Member name / interface, or `NONE`. */
  agent: string;
  /** The verb (`ENTERQUEUE`, `CONNECT`, ...), upper-cased. */
  event: string;
  data: string[];
}

export type ParseResult = { ok: true; line: QueueLogLine } | { ok: false; reason: string };

const MIN_TS = Date.UTC(2000, 0, 1);
const MAX_TS = Date.UTC(2100, 0, 1);

/** Parses one non-blank line (already trimmed). Never throws. */
export function parseQueueLogLine(raw: string): ParseResult {
  const fields = raw.split('|');
  if (fields.length < 5) {
    return { ok: false, reason: `expected at least 5 fields (epoch|callid|queue|agent|event), got ${fields.length}` };
  }
  const [epoch, callId, queue, agent, event] = fields.map((f) => f.trim()) as [string, string, string, string, string];
  if (!/^\d+(?:\.\d+)?$/.test(epoch)) return { ok: false, reason: `epoch ${JSON.stringify(clip(epoch))} is not a number of seconds` };
  const ts = Math.round(Number(epoch) * 1000);
  if (ts < MIN_TS || ts >= MAX_TS) return { ok: false, reason: `epoch ${epoch} is out of range (2000–2099)` };
  if (event === '') return { ok: false, reason: 'event name (5th field) is empty' };
  if (/\s/.test(event)) return { ok: false, reason: `event name ${JSON.stringify(clip(event))} contains spaces` };
  return { ok: true, line: { raw, ts, callId, queue, agent, event: event.toUpperCase(), data: fields.slice(5) } };
}

export function clip(s: string, max = 40): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}
