import type { Logger } from 'pino';
import type { z } from 'zod';
import {
  CenterConfigSchema, CenterDefaultsSchema, EMPTY_CENTER_CONFIG, QueueConfigPutSchema, TeamConfigPutSchema,
  type CenterConfig, type CenterConfigDoc,
} from '../../shared/center-config.ts';
import { fieldIssues } from '../../shared/errors.ts';
import type { AuditInput, AuditLog } from '../auth/audit-log.ts';
import type { FloorService } from '../floor/floor-service.ts';
import { ApiError, validationFailed } from '../http/api-error.ts';
import type { ConfigStore } from '../store/config-store.ts';

export const CENTER_CONFIG_KEY = 'config:center';

type Actor = Pick<AuditInput, 'actor' | 'ip'>;

function parse<S extends z.ZodType>(schema: S, body: unknown, prefix: (string | number)[] = []): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw validationFailed(fieldIssues(parsed.error, prefix), 'configuration rejected; nothing was applied');
  return parsed.data;
}

/** The configuration part of a stored document (without who/when). */
function configOf(doc: CenterConfigDoc | null): CenterConfig {
  if (!doc) return EMPTY_CENTER_CONFIG;
  return { defaults: doc.defaults, queues: doc.queues, teams: doc.teams };
}

/**
 * Center configuration (team and queue names, SL settings, thresholds): validated, stored in the
 * ConfigStore (one document shared by every instance), audited, and handed to the engine as data
 * (`engine.setCenterConfig`) whenever it changes — here or on another instance (`watch`).
 */
export class CenterConfigService {
  private stopWatch: (() => void) | null = null;
  /** Serializes this instance's read-modify-write edits. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: ConfigStore,
    private readonly floor: FloorService,
    private readonly audit: AuditLog,
    private readonly clock: () => number,
    private readonly logger: Logger,
  ) {}

  /** Loads the stored configuration into the engine and follows changes. Call after `floor.start()`. */
  async start(): Promise<void> {
    this.stopWatch = this.store.watch((key) => {
      if (key === CENTER_CONFIG_KEY) void this.apply().catch((err: unknown) => this.logger.error({ err }, 'center configuration change could not be applied'));
    });
    await this.apply();
  }

  stop(): void { this.stopWatch?.(); this.stopWatch = null; }

  async get(): Promise<CenterConfigDoc> {
    const doc = await this.store.get<CenterConfigDoc>(CENTER_CONFIG_KEY);
    return doc ?? { ...EMPTY_CENTER_CONFIG, updatedAt: null, updatedBy: null };
  }

  /** Whether a configuration has ever been stored (the demo floor publishes its names only if not). */
  async exists(): Promise<boolean> { return (await this.store.get(CENTER_CONFIG_KEY)) !== null; }

  /** Replaces the whole configuration (every problem reported; nothing applied on error). */
  put(body: unknown, by: Actor): Promise<CenterConfigDoc> {
    const next = parse(CenterConfigSchema, body);
    return this.edit(by, 'center-config.put', 'config/center', () => next);
  }

  /** The center-wide SL settings and thresholds. */
  putDefaults(body: unknown, by: Actor): Promise<CenterConfigDoc> {
    const defaults = parse(CenterDefaultsSchema, body);
    return this.edit(by, 'center-config.defaults.put', 'config/defaults', (cur) => ({ ...cur, defaults }));
  }

  /** Adds or replaces one queue's name and settings. */
  putQueue(queueId: string, body: unknown, by: Actor): Promise<CenterConfigDoc> {
    const q = { id: queueId, ...parse(QueueConfigPutSchema, body) };
    return this.edit(by, 'center-config.queue.put', `config/queues/${queueId}`, (cur) => {
      const i = cur.queues.findIndex((x) => x.id === queueId);
      return { ...cur, queues: i === -1 ? [...cur.queues, q] : cur.queues.map((x, j) => (j === i ? q : x)) };
    });
  }

  deleteQueue(queueId: string, by: Actor): Promise<CenterConfigDoc> {
    return this.edit(by, 'center-config.queue.delete', `config/queues/${queueId}`, (cur) => {
      if (!cur.queues.some((x) => x.id === queueId)) throw new ApiError(404, 'not_found', `queue ${queueId} is not configured`);
      return { ...cur, queues: cur.queues.filter((x) => x.id !== queueId) };
    });
  }

  putTeam(teamId: string, body: unknown, by: Actor): Promise<CenterConfigDoc> {
    const t = { id: teamId, ...parse(TeamConfigPutSchema, body) };
    return this.edit(by, 'center-config.team.put', `config/teams/${teamId}`, (cur) => {
      const i = cur.teams.findIndex((x) => x.id === teamId);
      return { ...cur, teams: i === -1 ? [...cur.teams, t] : cur.teams.map((x, j) => (j === i ? t : x)) };
    });
  }

  deleteTeam(teamId: string, by: Actor): Promise<CenterConfigDoc> {
    return this.edit(by, 'center-config.team.delete', `config/teams/${teamId}`, (cur) => {
      if (!cur.teams.some((x) => x.id === teamId)) throw new ApiError(404, 'not_found', `team ${teamId} is not configured`);
      return { ...cur, teams: cur.teams.filter((x) => x.id !== teamId) };
    });
  }

  /**
   * Stores `cfg` unless a configuration exists already (an admin's is never overwritten).
   * Resolves true when stored.
   */
  async seed(cfg: CenterConfig, by: Actor): Promise<boolean> {
    const next = parse(CenterConfigSchema, cfg);
    let stored = false;
    await this.serial(async () => {
      if (await this.exists()) return;
      await this.write(next, null, by, 'center-config.seed', 'config/center');
      stored = true;
    });
    return stored;
  }

  private edit(by: Actor, action: string, target: string, change: (cur: CenterConfig) => CenterConfig): Promise<CenterConfigDoc> {
    return this.serial(async () => {
      const before = await this.store.get<CenterConfigDoc>(CENTER_CONFIG_KEY);
      const next = parse(CenterConfigSchema, change(configOf(before)));
      return this.write(next, before, by, action, target);
    });
  }

  private async write(next: CenterConfig, before: CenterConfigDoc | null, by: Actor, action: string, target: string): Promise<CenterConfigDoc> {
    const doc: CenterConfigDoc = { ...next, updatedAt: new Date(this.clock()).toISOString(), updatedBy: by.actor.name };
    await this.store.set(CENTER_CONFIG_KEY, doc);
    await this.audit.record({ ...by, action, target, before: before ? configOf(before) : null, after: next });
    this.floor.engine.setCenterConfig(next);
    return doc;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Hands the stored configuration to the engine (as data). */
  private async apply(): Promise<void> {
    const doc = await this.store.get<CenterConfigDoc>(CENTER_CONFIG_KEY);
    const parsed = CenterConfigSchema.safeParse(configOf(doc));
    if (!parsed.success) {
      this.logger.error({ issues: fieldIssues(parsed.error) }, 'stored center configuration is invalid; keeping the previous one');
      return;
    }
    this.floor.engine.setCenterConfig(parsed.data);
  }
}
