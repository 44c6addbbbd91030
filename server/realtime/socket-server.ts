import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import { applyDelta, type Delta } from '../../shared/delta.ts';
import type { Snapshot } from '../../shared/snapshot.ts';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../shared/socket.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { DASHBOARD_ROLES, type Scope } from '../auth/principal.ts';
import type { FloorService } from '../floor/floor-service.ts';
import { cookieValue, SESSION_COOKIE } from '../http/middleware.ts';
import { originAllowed } from '../http/security.ts';
import { FrameGroups, type FrameGroup } from './frame-groups.ts';
import { writeFrame, type FrameWriteCounts } from './frame-writer.ts';
import { scopeDelta, scopeSnapshot } from './scope-filter.ts';

type FloorSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type FloorIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * The screens of one scope. Its deltas go to its phase groups (frame-groups.ts), each numbering its
 * own frames. `snapshot` is the room's last scoped snapshot, kept current by its deltas.
 */
interface Room { key: string; scope: Scope; snapshot: { at: number; snap: Snapshot } | null }

const SNAPSHOT_REUSE_MS = 1000;

/** The frame schedule behind a socket server (tests and diagnostics). */
const framesOfIo = new WeakMap<FloorIo, FrameGroups>();
export const frameGroupsOf = (io: FloorIo): FrameGroups | undefined => framesOfIo.get(io);
/** Frames written since start, per path (frame-writer.ts; tests and diagnostics). */
const writesOfIo = new WeakMap<FloorIo, FrameWriteCounts>();
export const frameWritesOf = (io: FloorIo): FrameWriteCounts | undefined => writesOfIo.get(io);

const roomKey = (s: Scope) => `scope:${s.teams?.join(',') ?? '*'}|${s.queues?.join(',') ?? '*'}`;

/** Narrows a principal's scope to one team or queue asked for in the handshake (`scope=`). */
function narrow(scope: Scope, requested: unknown, floor: FloorService): Scope {
  if (typeof requested !== 'string' || requested === '') return scope;
  if (floor.engine.queueIds.has(requested)) return { teams: scope.teams, queues: scope.queues === null || scope.queues.includes(requested) ? [requested] : [] };
  return { teams: scope.teams === null || scope.teams.includes(requested) ? [requested] : [], queues: scope.queues };
}

/**
 * Live push: a screen gets the snapshot of its scope on connect (and on `floor:resync`), then the
 * coalesced deltas of that scope. The screens of a scope are split into phase groups that get their
 * frames at different moments of the frame period (each group at most every FRAME_MS); each group
 * numbers its own frames, so a screen sees contiguous seq numbers and can detect gaps.
 * `framePhases` (default PHASE_GROUPS) sets the number of groups; 1 sends all screens at once.
 */
export function attachRealtime(http: HttpServer, deps: { auth: AuthService; floor: FloorService; logger: Logger; allowedOrigins?: readonly string[]; framePhases?: number }): FloorIo {
  const { auth, floor, logger } = deps;
  const allowedOrigins = deps.allowedOrigins ?? [];
  const io: FloorIo = new Server(http, {
    serveClient: false, maxHttpBufferSize: 16 * 1024, pingInterval: 10_000, pingTimeout: 8_000,
    // Browsers of other sites may not open the wallboard's socket (same origin, or ALLOWED_ORIGINS).
    allowRequest: (req, callback) => callback(null, originAllowed(req.headers.origin, req.headers.host, allowedOrigins)),
  });
  const rooms = new Map<string, Room>();
  const writes: FrameWriteCounts = { direct: 0, viaEngine: 0 };
  writesOfIo.set(io, writes);
  const frames = new FrameGroups({
    flush: () => floor.flush(),
    send: (group, delta) => {
      const c = writeFrame(io, group.name, 'floor:delta', delta);
      writes.direct += c.direct;
      writes.viaEngine += c.viaEngine;
    },
    ...(deps.framePhases !== undefined ? { phases: deps.framePhases } : {}),
  });
  http.once('close', () => frames.stop());
  framesOfIo.set(io, frames);

  io.use(async (socket, next) => {
    const hs = socket.handshake;
    const token = typeof hs.auth?.token === 'string' ? hs.auth.token : cookieValue(hs.headers.cookie, SESSION_COOKIE);
    const principal = token && token.length <= 512 ? await auth.authenticate(token).catch(() => null) : null;
    if (!principal || !DASHBOARD_ROLES.includes(principal.role)) return next(new Error('unauthorized'));
    const scope = narrow(principal.scope, hs.auth?.scope ?? hs.query.scope, floor);
    socket.data = { role: principal.role, principal: principal.credential, scope };
    next();
  });

  /** The room's cached snapshot while it may still be reused (dropped once older than SNAPSHOT_REUSE_MS). */
  const reusableSnapshot = (room: Room) => {
    if (room.snapshot && Date.now() - room.snapshot.at > SNAPSHOT_REUSE_MS) room.snapshot = null;
    return room.snapshot;
  };

  /**
   * Scoped snapshots, shared by the screens of a room for 1 s at most: when every TV reconnects at
   * once (a restart, a network blip) the floor is projected once per room, not once per screen.
   * The room's deltas are applied to the cached one, so it stays what a screen that had it shows.
   * A group's next frame holds every delta since the group's previous frame plus a flush made just
   * before it is sent, which carries the fields a fresh snapshot shows newer than the deltas did
   * (the projector's "owed" fields): so a screen that starts from a snapshot with its group's seq
   * ends, after that frame, on the current values.
   */
  const sendSnapshot = (socket: FloorSocket, room: Room, group: FrameGroup) => {
    let cached = reusableSnapshot(room);
    if (!cached) {
      cached = { at: Date.now(), snap: scopeSnapshot(floor.snapshot(), room.scope) };
      room.snapshot = cached;
    }
    socket.emit('floor:snapshot', { ...cached.snap, seq: group.seq });
  };

  io.on('connection', (socket) => {
    const key = roomKey(socket.data.scope);
    let room = rooms.get(key);
    if (!room) { room = { key, scope: socket.data.scope, snapshot: null }; rooms.set(key, room); }
    const group = frames.join(key);
    void socket.join(group.name);
    sendSnapshot(socket, room, group);
    socket.emit('floor:status', floor.status);
    // Screens only ever ask for a resync: more than 20 messages in 10 s is a misbehaving client.
    let budget = { windowStart: Date.now(), count: 0 };
    socket.use((_packet, next) => {
      const now = Date.now();
      if (now - budget.windowStart > 10_000) budget = { windowStart: now, count: 0 };
      if (++budget.count > 20) { logger.warn({ role: socket.data.role }, 'socket message rate exceeded; disconnecting'); socket.disconnect(true); return; }
      next();
    });
    let lastResync = 0;
    socket.on('floor:resync', () => {
      const now = Date.now();
      if (now - lastResync < 1000) return; // one full snapshot a second at most per screen
      lastResync = now;
      sendSnapshot(socket, room, group);
    });
    socket.on('disconnect', () => {
      if (frames.leave(group)) rooms.delete(key);
    });
  });

  floor.onStatus((status) => { io.emit('floor:status', status); });

  // A revoked token, key or session (on any instance: the ConfigStore watch) closes its sockets here.
  auth.onRevoked((digests) => {
    const gone = new Set(digests);
    for (const socket of io.sockets.sockets.values()) {
      if (!gone.has(socket.data.principal)) continue;
      socket.emit('auth:revoked');
      socket.disconnect(true);
    }
  });

  floor.onDelta((delta) => {
    for (const room of rooms.values()) {
      const part = scopeDelta(delta, room.scope, { teamOf: (id) => floor.projector.teamOf(id), totalsFor: (q) => floor.projector.totalsFor(q) });
      if (!part) continue;
      const d: Delta = { ...part, seq: delta.seq };
      const cached = reusableSnapshot(room);
      if (cached) room.snapshot = { at: cached.at, snap: applyDelta(cached.snap, d) };
      frames.publish(room.key, d);
    }
  });

  io.engine.on('connection_error', (err: { code: number; message: string }) => logger.debug({ code: err.code, message: err.message }, 'socket connection error'));
  return io;
}
