export type Role = 'admin' | 'supervisor' | 'teamlead' | 'display' | 'ingest';

/** What part of the floor a principal may see; null = everything. */
export interface Scope { teams: string[] | null; queues: string[] | null }
export const WHOLE_FLOOR: Scope = Object.freeze({ teams: null, queues: null });

export interface Principal {
  role: Role;
  /** Username, or the name of the token/key. */
  name: string;
  scope: Scope;
  /** Digest of the secret that authenticated this request (to revoke sessions and sockets). */
  credential: string;
}

export const DASHBOARD_ROLES: readonly Role[] = ['admin', 'supervisor', 'teamlead', 'display'];
