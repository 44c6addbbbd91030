import { mergeDeltas, type Delta } from '../../shared/delta.ts';
import { FRAME_MS } from '../floor/floor-service.ts';

/**
 * How many phase groups the screens of one room are split into. Each group gets its frame at its
 * own slot of the frame period, so a frame goes to a third of the screens every ~17 ms instead of
 * to all of them at once every 50 ms (docs/performance.md: the burst of socket writes). More
 * groups mean a flush of the floor per slot (more projection work); 3 measured best of 1–5.
 */
export const PHASE_GROUPS = 3;

/**
 * The slot grid repeats every FRAME_MS + this. A group's frames start at least FRAME_MS apart
 * however late a timer fires; the slack lets a group that went out late (a busy event loop) get
 * back onto its slot within a few frames instead of staying late for good.
 */
export const GRID_SLACK_MS = 2;

/** One group of a room's screens: they share every frame (one encoding, one broadcast). */
export interface FrameGroup {
  /** socket.io room of the group's screens. */
  readonly name: string;
  readonly room: string;
  /** Its slot in the frame period (0 … phases − 1). */
  readonly phase: number;
  /** seq of the last frame sent to the group (a joining screen's snapshot carries it). */
  seq: number;
  members: number;
  /** Everything published for the room since the group's last frame, in order (merged when sent). */
  pending: Delta[];
  /** timing.now() when its last frame was made; a group's frames start at least frameMs apart. */
  lastSentAt: number;
  retry: unknown;
}

export interface FrameTiming {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTiming: FrameTiming = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface FrameGroupsOptions {
  /** Called before any group is sent, so that the frame holds everything folded until now. */
  flush: () => void;
  /** Sends a group its frame (the merged pending delta, numbered with the group's next seq). */
  send: (group: FrameGroup, delta: Delta) => void;
  phases?: number;
  frameMs?: number;
  gridSlackMs?: number;
  timing?: FrameTiming;
}

/**
 * The frame schedule of every screen. A fixed grid of slots, `phases` of them every
 * FRAME_MS + GRID_SLACK_MS; group g of each room is sent in slot g (a slot a late timer skipped is
 * caught up), only when something is pending for it, and never sooner than `frameMs` after its
 * previous frame started (a late frame pushes the next one back, it does not squeeze two frames
 * together). So every screen gets fewer than 1000 / frameMs frames a second, with contiguous seq
 * numbers, each frame being the merge of the deltas published since its previous one.
 */
export class FrameGroups {
  private readonly rooms = new Map<string, FrameGroup[]>();
  private readonly phases: number;
  private readonly frameMs: number;
  private readonly slotMs: number;
  private readonly timing: FrameTiming;
  private readonly epoch: number;
  private timer: unknown = null;
  /** The last slot of the grid that was handled. */
  private lastSlot = -1;
  private stopped = false;
  private readonly sentListeners = new Set<(group: FrameGroup, delta: Delta, startedAt: number) => void>();

  constructor(private readonly opts: FrameGroupsOptions) {
    this.phases = Math.max(1, Math.floor(opts.phases ?? PHASE_GROUPS));
    this.frameMs = opts.frameMs ?? FRAME_MS;
    this.slotMs = (this.frameMs + (opts.gridSlackMs ?? GRID_SLACK_MS)) / this.phases;
    this.timing = opts.timing ?? realTiming;
    this.epoch = this.timing.now();
  }

  /** Puts a screen of `room` into the room's smallest group. */
  join(room: string): FrameGroup {
    let groups = this.rooms.get(room);
    if (!groups) {
      groups = Array.from({ length: this.phases }, (_, phase) => ({ name: `${room}#${phase}`, room, phase, seq: 0, members: 0, pending: [], lastSentAt: -Infinity, retry: null }));
      this.rooms.set(room, groups);
    }
    let group = groups[0]!;
    for (const g of groups) if (g.members < group.members) group = g;
    group.members++;
    return group;
  }

  /** A screen left its group; returns true when its room has no screens left (and is gone). */
  leave(group: FrameGroup): boolean {
    group.members = Math.max(0, group.members - 1);
    if (group.members === 0) this.drop(group);
    const groups = this.rooms.get(group.room);
    if (!groups || groups.some((g) => g.members > 0)) return false;
    this.rooms.delete(group.room);
    return true;
  }

  /** Queues a room's delta for each of its groups' next frame (its seq is replaced when sent). */
  publish(room: string, delta: Delta): void {
    const groups = this.rooms.get(room);
    if (!groups) return;
    let any = false;
    for (const g of groups) {
      if (g.members === 0) continue;
      g.pending.push(delta);
      any = true;
    }
    if (any) this.arm(true);
  }

  /** Groups of a room (tests, diagnostics). */
  groupsOf(room: string): readonly FrameGroup[] { return this.rooms.get(room) ?? []; }

  /** `listener(group, delta, startedAt)` after every frame (tests, diagnostics). */
  onSent(listener: (group: FrameGroup, delta: Delta, startedAt: number) => void): () => void {
    this.sentListeners.add(listener);
    return () => this.sentListeners.delete(listener);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.timing.clearTimeout(this.timer);
    this.timer = null;
    for (const groups of this.rooms.values()) for (const g of groups) this.drop(g);
  }

  private drop(group: FrameGroup): void {
    group.pending = [];
    if (group.retry !== null) this.timing.clearTimeout(group.retry);
    group.retry = null;
  }

  /** The slot `t` is in (a timer that fires on its slot's instant, to rounding, counts as on time). */
  private slotAt(t: number): number { return Math.floor((t - this.epoch) / this.slotMs + 1e-6); }

  /** Schedules the next slot of the grid, if not already scheduled. */
  private arm(wake = false): void {
    if (this.timer !== null || this.stopped) return;
    const now = this.timing.now();
    const current = this.slotAt(now);
    // Waking from quiet: slots from now on only (the slots missed while quiet had nothing to send).
    if (wake) this.lastSlot = Math.max(this.lastSlot, current);
    const next = Math.max(current, this.lastSlot) + 1;
    this.timer = this.timing.setTimeout(() => { this.timer = null; this.slots(); }, Math.max(0, this.epoch + next * this.slotMs - now));
  }

  /** Handles every slot since the last one handled (a timer that fired late skips none). */
  private slots(): void {
    if (this.stopped) return;
    const current = this.slotAt(this.timing.now());
    if (current > this.lastSlot) {
      const phases = new Set<number>();
      for (let s = Math.max(this.lastSlot + 1, current - this.phases + 1); s <= current; s++) phases.add(s % this.phases);
      this.lastSlot = current;
      // Everything folded until now goes into this slot's frames (and into the others' pending).
      this.opts.flush();
      for (const groups of this.rooms.values()) {
        for (const phase of phases) {
          const g = groups[phase];
          if (g && g.pending.length > 0 && g.retry === null) this.trySend(g);
        }
      }
    }
    for (const groups of this.rooms.values()) if (groups.some((g) => g.pending.length > 0)) { this.arm(); return; }
  }

  private trySend(g: FrameGroup): void {
    if (g.pending.length === 0) return;
    const wait = g.lastSentAt + this.frameMs - this.timing.now();
    if (wait > 0) {
      // The slot came early, or the group's previous frame went out late: wait out the rest.
      g.retry = this.timing.setTimeout(() => { g.retry = null; if (this.stopped) return; this.opts.flush(); this.trySend(g); }, wait);
      return;
    }
    const delta = { ...mergeDeltas(g.pending), seq: g.seq + 1 };
    g.pending = [];
    g.seq = delta.seq;
    g.lastSentAt = this.timing.now();
    this.opts.send(g, delta);
    for (const l of this.sentListeners) l(g, delta, g.lastSentAt);
  }
}
