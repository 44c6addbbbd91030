// Test-only: a verbatim copy of the event schemas as they were before the
// validation speed-up (shared/events.ts + shared/ids.ts at 6cd57a8). The
// equivalence property test checks the production schemas against it; never
// import this outside tests.
import { z } from 'zod';

/** Identifier of an agent, team, queue, call or event: printable, no spaces, bounded. */
export const IdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'at most 128 characters')
  .regex(/^[\w.:@/+-]+$/, 'letters, digits and . : @ / + - _ only');

/** Agent states an `agent.state` event may set (`offline` comes only from logout). */
export const AGENT_STATES = ['available', 'ringing', 'on_call', 'wrap_up', 'break', 'away'] as const;
export const AgentStateSchema = z.enum(AGENT_STATES);
export type AgentStateName = z.infer<typeof AgentStateSchema>;

export const OUTCOMES = ['success', 'failure', 'no_answer', 'busy', 'other'] as const;
export const OutcomeSchema = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof OutcomeSchema>;

const MIN_TS = Date.UTC(2000, 0, 1);
const MAX_TS = Date.UTC(2100, 0, 1);

/** `ts`: ISO-8601 with an explicit offset, or epoch milliseconds. Normalized to epoch ms. */
export const TimestampSchema = z
  .union([
    z.iso.datetime({ offset: true, message: 'ISO-8601 date-time with offset (e.g. 2026-11-23T08:00:00+08:00) or epoch ms' }),
    z.number().int('epoch milliseconds must be an integer'),
  ])
  .transform((v) => (typeof v === 'number' ? v : Date.parse(v)))
  .refine((ms) => ms >= MIN_TS && ms < MAX_TS, 'timestamp out of range (2000–2099)');

const ReasonSchema = z.string().min(1).max(64).regex(/^[\w.-]+$/, 'letters, digits, . - _ only');
const NameSchema = z.string().min(1).max(120);

const base = { id: IdSchema, ts: TimestampSchema };

export const AgentLoginSchema = z.strictObject({ ...base, type: z.literal('agent.login'), agentId: IdSchema, teamId: IdSchema, name: NameSchema.optional() });
export const AgentLogoutSchema = z.strictObject({ ...base, type: z.literal('agent.logout'), agentId: IdSchema });
export const AgentStateEventSchema = z.strictObject({ ...base, type: z.literal('agent.state'), agentId: IdSchema, state: AgentStateSchema, reason: ReasonSchema.optional() });
export const CallQueuedSchema = z.strictObject({
  ...base,
  type: z.literal('call.queued'),
  callId: IdSchema,
  queueId: IdSchema,
  direction: z.enum(['inbound', 'outbound']).optional(),
  caller: z.string().max(64).optional(),
});
export const CallAnsweredSchema = z.strictObject({ ...base, type: z.literal('call.answered'), callId: IdSchema, queueId: IdSchema, agentId: IdSchema });
export const CallAbandonedSchema = z.strictObject({ ...base, type: z.literal('call.abandoned'), callId: IdSchema, queueId: IdSchema });
export const CallTimeoutSchema = z.strictObject({ ...base, type: z.literal('call.timeout'), callId: IdSchema, queueId: IdSchema });
export const CallDialedSchema = z.strictObject({ ...base, type: z.literal('call.dialed'), callId: IdSchema, agentId: IdSchema, campaignId: IdSchema.optional() });
export const CallEndedSchema = z.strictObject({ ...base, type: z.literal('call.ended'), callId: IdSchema, agentId: IdSchema, outcome: OutcomeSchema.optional(), resolved: z.boolean().optional() });
export const CallDispositionSchema = z.strictObject({ ...base, type: z.literal('call.disposition'), callId: IdSchema, agentId: IdSchema, outcome: OutcomeSchema });
export const CallTransferredSchema = z
  .strictObject({ ...base, type: z.literal('call.transferred'), callId: IdSchema, fromAgentId: IdSchema, toQueueId: IdSchema.optional(), toAgentId: IdSchema.optional() })
  .refine((e) => e.toQueueId !== undefined || e.toAgentId !== undefined, { message: 'toQueueId or toAgentId is required', path: ['toQueueId'] });

export const EVENT_TYPES = [
  'agent.login', 'agent.logout', 'agent.state', 'call.queued', 'call.answered', 'call.abandoned',
  'call.timeout', 'call.dialed', 'call.ended', 'call.disposition', 'call.transferred',
] as const;

/** One API v1 event, discriminated on `type`; unknown types are rejected. */
export const EventSchema = z.discriminatedUnion('type', [
  AgentLoginSchema, AgentLogoutSchema, AgentStateEventSchema, CallQueuedSchema, CallAnsweredSchema,
  CallAbandonedSchema, CallTimeoutSchema, CallDialedSchema, CallEndedSchema, CallDispositionSchema,
  CallTransferredSchema,
], { error: (iss) => (iss.code === 'invalid_union' ? `unknown event type; expected one of ${EVENT_TYPES.join(', ')}` : undefined) });

/** What a client sends (`ts` as ISO or epoch ms). */
export type EventInput = z.input<typeof EventSchema>;
/** A validated event as stored in the log: `ts` is epoch ms. */
export type FloorEvent = z.output<typeof EventSchema>;
export type EventType = FloorEvent['type'];
export type EventOf<T extends EventType> = Extract<FloorEvent, { type: T }>;

export const EventBatchSchema = z.array(EventSchema).min(1, 'a batch needs at least one event').max(50_000, 'at most 50,000 events per request');
