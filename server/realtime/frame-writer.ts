import type { Socket as NetSocket } from 'node:net';
import type { Server, Socket } from 'socket.io';

/**
 * Writes one frame (the same event and payload) to every screen of a socket.io room.
 *
 * socket.io's broadcast encodes the websocket frame once, then hands it to each screen through
 * engine.io's packet buffer, its events and callbacks, and ws's sender (cork, writev, write
 * callbacks). Per screen and frame that path cost about as much CPU as the write syscall itself,
 * and was most of what the server allocated under load (docs/performance.md). A screen on an open
 * websocket with nothing waiting in engine.io or ws gets the same frame bytes written straight to
 * its TCP socket: one `write` of one shared Buffer. Order is kept because every byte to that screen
 * goes through the same net.Socket, and nothing was queued ahead in engine.io or ws. Any other
 * screen (long-polling, upgrading, a send of its own still in flight, closing) goes the normal way.
 */

/** The engine.io and ws internals the direct path reads (engine.io 6, ws 8); a mismatch falls back. */
interface EngineConn {
  readyState: string;
  upgrading: boolean;
  writeBuffer: unknown[];
  transport: { name: string; writable: boolean; perMessageDeflate: unknown; socket?: WsSocket };
}
interface WsSocket { readyState: number; _sender?: { _state?: number; _queue?: unknown[] }; _socket?: NetSocket }

const WS_OPEN = 1;
/** ws Sender's idle state (not deflating, not reading a Blob). */
const WS_SENDER_IDLE = 0;
/** socket.io packet type EVENT; "4" is engine.io's "message" packet. */
const SIO_EVENT = 2;
const EIO_MESSAGE = '4';

/** The TCP socket a frame may be written to directly, or null when the screen must go through engine.io. */
export function directSocketOf(socket: Socket): NetSocket | null {
  const conn = socket.conn as unknown as Partial<EngineConn>;
  if (conn.readyState !== 'open' || conn.upgrading !== false || !Array.isArray(conn.writeBuffer) || conn.writeBuffer.length > 0) return null;
  const t = conn.transport;
  if (!t || t.name !== 'websocket' || t.writable !== true || t.perMessageDeflate) return null;
  const ws = t.socket;
  if (!ws || ws.readyState !== WS_OPEN) return null;
  const sender = ws._sender;
  if (!sender || sender._state !== WS_SENDER_IDLE || (sender._queue?.length ?? 0) > 0) return null;
  const raw = ws._socket;
  return raw && !raw.destroyed && raw.writable ? raw : null;
}

/** An unmasked, final websocket text frame (RFC 6455 §5.2) holding `text`. */
export function textFrame(text: string): Buffer {
  const n = Buffer.byteLength(text);
  const head = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + n);
  frame[0] = 0x81; // FIN, opcode 1 (text)
  if (n < 126) frame[1] = n;
  else if (n < 65_536) { frame[1] = 126; frame.writeUInt16BE(n, 2); }
  else { frame[1] = 127; frame.writeBigUInt64BE(BigInt(n), 2); }
  frame.write(text, head);
  return frame;
}

export interface FrameWriteCounts { direct: number; viaEngine: number }

/** Sends `event(payload)` to the room's screens; returns how many went each way. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any typed socket.io server
export function writeFrame(io: Server<any, any, any, any>, room: string, event: string, payload: unknown): FrameWriteCounts {
  const counts: FrameWriteCounts = { direct: 0, viaEngine: 0 };
  const ids = io.sockets.adapter.rooms.get(room);
  if (!ids || ids.size === 0) return counts;
  // Encoded as socket.io's broadcast encodes it (its encoder, default namespace, no ack id); a
  // payload that is not one text packet (binary attachments) goes the normal way to everyone.
  const encoded = io.encoder.encode({ type: SIO_EVENT, data: [event, payload], nsp: '/' }) as unknown[];
  const frame = encoded.length === 1 && typeof encoded[0] === 'string' ? textFrame(EIO_MESSAGE + encoded[0]) : null;
  let others: string[] | null = null;
  for (const id of ids) {
    const socket = io.sockets.sockets.get(id);
    if (!socket) continue;
    const raw = frame && directSocketOf(socket);
    if (raw) {
      raw.write(frame);
      counts.direct++;
    } else {
      (others ??= []).push(id);
    }
  }
  if (others) {
    io.to(others).emit(event, payload);
    counts.viaEngine = others.length;
  }
  return counts;
}
