/** Ledger key names, in one place so writers and readers agree. */
export const qKey = (queueId: string, day: string, field: QueueCounter) => `q|${queueId}|${day}|${field}`;
export const iKey = (queueId: string, bucket: number, field: IntervalCounter) => `i|${queueId}|${bucket}|${field}`;
export const tKey = (teamId: string, field: string) => `t|${teamId}|${field}`;
export const tDayKey = (teamId: string, day: string, field: TeamDayCounter) => `t|${teamId}|${day}|${field}`;
export const aiKey = (bucket: number, field: AgentIntervalField) => `ai|${bucket}|${field}`;

export type QueueCounter =
  | 'offered' | 'answered' | 'abandoned' | 'shortAbandoned' | 'timedOut' | 'withinSl' | 'waitSum'
  | 'transferred' | 'handled' | 'handleSum';
export type IntervalCounter = 'offered' | 'answered' | 'abandoned' | 'withinSl' | 'slDenominator' | 'waitSum';
export type TeamDayCounter = 'handled' | 'success' | 'failure' | 'loginClosedMs' | 'breakOverruns';
/** Agent-seconds per interval: closed stretches by bucket; open ones by the bucket they began in. */
export type AgentIntervalField = 'loginMs' | 'breakMs' | 'openLogin' | 'openLoginSince' | 'openBreak' | 'openBreakSince';
