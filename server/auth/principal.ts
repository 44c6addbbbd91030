import { z } from 'zod';
import { IdSchema } from '../../shared/ids.ts';

export type Role = 'admin' | 'supervisor' | 'teamlead' | 'display' | 'ingest';
/** Roles a person signs in with (display tokens and ingest keys are not users). */
export type UserRole = Exclude<Role, 'display' | 'ingest'>;
export const USER_ROLES = ['admin', 'supervisor', 'teamlead'] as const satisfies readonly UserRole[];

/** What part of the floor a principal may see; null = everything. */
export interface Scope { teams: string[] | null; queues: string[] | null }
export const WHOLE_FLOOR: Scope = Object.freeze({ teams: null, queues: null });

/** A scope in a request body: lists of team / queue ids, or null (= all). Omitted = whole floor. */
export const ScopeSchema = z.strictObject({
  teams: z.array(IdSchema).max(500, 'at most 500 teams').nullable().default(null),
  queues: z.array(IdSchema).max(500, 'at most 500 queues').nullable().default(null),
});

export interface Principal {
  role: Role;
  /** Username, or the name of the token/key. */
  name: string;
  scope: Scope;
  /** Digest of the secret that authenticated this request (to revoke sessions and sockets). */
  credential: string;
}

export const DASHBOARD_ROLES: readonly Role[] = ['admin', 'supervisor', 'teamlead', 'display'];
/** Signed-in people (not display tokens, not ingest keys). */
export const PEOPLE: readonly Role[] = USER_ROLES;
