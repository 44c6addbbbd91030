import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../shared/socket.ts';
import type { AuthService } from '../auth/auth-service.ts';
import { DASHBOARD_ROLES, type Scope } from '../auth/principal.ts';
import type { FloorService } from '../floor/floor-service.ts';
import { cookieValue, SESSION_COOKIE } from '../http/middleware.ts';
import { originAllowed } from '../http/security.ts';
import { scopeDelta, scopeSnapshot } from './scope-filter.ts';

type FloorSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type FloorIo = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

interface Room { key: string; scope: Scope; seq: number }

const SNAPSHOT_REUSE_MS = 1000;

const roomKey = (s: Scope) => `scope:${s.teams?.join(',') ?? '*'}|${s.queues?.join(',') ?? '*'}`;

/** Narrows a principal's scope to one team or queue asked for in the handshake (`scope=`). */
function narrow(scope: Scope, requested: unknown, floor: FloorService): Scope {
  if (typeof requested !== 'string' || requested === '') return scope;
  if (floor.engine.queueIds.has(requested)) return { teams: scope.teams, queues: scope.queues === null || scope.queues.includes(requested) ? [requested] : [] };
  return { teams: scope.teams === null || scope.teams.includes(requested) ? [requested] : [], queues: scope.queues };
}

/**
 * Live push: a screen gets the snapshot of its scope on connect (and on `floor:resync`), then the
 * coalesced deltas of that scope, each room numbering its own deltas so gaps can be detected.
 */
export function attachRealtime(http: HttpServer, deps: { auth: AuthService; floor: FloorService; logger: Logger; allowedOrigins?: readonly string[] }): FloorIo {
  const { auth, floor, logger } = deps;
  const allowedOrigins = deps.allowedOrigins ?? [];
  const io: FloorIo = new Server(http, {
    serveClient: false, maxHttpBufferSize: 16 * 1024, pingInterval: 10_000, pingTimeout: 8_000,
    // Browsers of other sites may not open the wallboard's socket (same origin, or ALLOWED_ORIGINS).
    allowRequest: (req, callback) => callback(null, originAllowed(req.headers.origin, req.headers.host, allowedOrigins)),
  });
  const rooms = new Map<string, Room>();

  io.use(async (socket, next) => {
    const hs = socket.handshake;
    const token = typeof hs.auth?.token === 'string' ? hs.auth.token : cookieValue(hs.headers.cookie, SESSION_COOKIE);
    const principal = token && token.length <= 512 ? await auth.authenticate(token).catch(() => null) : null;
    if (!principal || !DASHBOARD_ROLES.includes(principal.role)) return next(new Error('unauthorized'));
    const scope = narrow(principal.scope, hs.auth?.scope ?? hs.query.scope, floor);
    socket.data = { role: principal.role, principal: principal.credential, scope };
    next();
  });

  /**
   * Scoped snapshots, shared by the screens of a room until the next delta (or for 1 s at most):
   * when every TV reconnects at once (a restart, a network blip) the floor is projected once per
   * room, not once per screen. A cached one is exactly what the room's deltas continue from.
   */
  const snapshots = new Map<string, { at: number; snap: ReturnType<typeof scopeSnapshot> }>();
  const sendSnapshot = (socket: FloorSocket, room: Room) => {
    let cached = snapshots.get(room.key);
    if (!cached || Date.now() - cached.at > SNAPSHOT_REUSE_MS) {
      cached = { at: Date.now(), snap: scopeSnapshot(floor.snapshot(), room.scope) };
      snapshots.set(room.key, cached);
    }
    socket.emit('floor:snapshot', { ...cached.snap, seq: room.seq });
  };

  io.on('connection', (socket) => {
    const key = roomKey(socket.data.scope);
    let room = rooms.get(key);
    if (!room) { room = { key, scope: socket.data.scope, seq: 0 }; rooms.set(key, room); }
    void socket.join(key);
    sendSnapshot(socket, room);
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
      sendSnapshot(socket, rooms.get(key) ?? room);
    });
    socket.on('disconnect', () => {
      if ((io.sockets.adapter.rooms.get(key)?.size ?? 0) === 0) { rooms.delete(key); snapshots.delete(key); }
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
    snapshots.clear();
    for (const room of rooms.values()) {
      const part = scopeDelta(delta, room.scope, { teamOf: (id) => floor.projector.teamOf(id), totalsFor: (q) => floor.projector.totalsFor(q) });
      if (!part) continue;
      room.seq++;
      io.to(room.key).emit('floor:delta', { ...part, seq: room.seq });
    }
  });

  io.engine.on('connection_error', (err: { code: number; message: string }) => logger.debug({ code: err.code, message: err.message }, 'socket connection error'));
  return io;
}
