import { hash, randomBytes } from 'node:crypto';

/** A fresh secret for sessions, keys and tokens (URL-safe). */
export const newSecret = (bytes = 24) => randomBytes(bytes).toString('base64url');

/**
 * Secrets are kept and looked up by their SHA-256, so a lookup never compares secrets byte by byte.
 * One-shot `hash`: every request pays it, and it costs a fraction of a createHash object.
 */
export const digest = (secret: string) => hash('sha256', secret, 'hex');
