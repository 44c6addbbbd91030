/** What the URL asks for: which view, and the TV's options (`/tv?token=…&lang=…&rotate=…&scope=…&pages=…`). */
export type TvPageKind = 'queues' | 'agents' | 'breaks' | 'intraday';
export const TV_PAGE_KINDS: readonly TvPageKind[] = ['queues', 'agents', 'breaks', 'intraday'];

export interface Route {
  view: 'tv' | 'supervisor';
  /** Display token from the TV link (never stored). */
  token: string | null;
  /** Seconds per TV page; 0 = no rotation. */
  rotateSec: number;
  /** A team or queue id the TV is limited to. */
  scope: string | null;
  /** TV pages to rotate through, in order. */
  pages: TvPageKind[];
}

export const DEFAULT_ROTATE_SEC = 20;

export function parseRoute(pathname: string, search: string): Route {
  const params = new URLSearchParams(search);
  const path = pathname.replace(/\/+$/, '') || '/';
  const view = path === '/tv' || path.startsWith('/tv/') ? 'tv' : 'supervisor';
  const token = params.get('token')?.trim() || null;
  const scope = params.get('scope')?.trim() || null;
  let rotateSec = DEFAULT_ROTATE_SEC;
  const rotate = params.get('rotate');
  if (rotate !== null && rotate.trim() !== '') {
    const n = Number(rotate);
    if (Number.isFinite(n)) rotateSec = n <= 0 ? 0 : Math.min(3600, Math.max(5, Math.round(n)));
  }
  const wanted = (params.get('pages') ?? '').split(',').map((p) => p.trim()).filter((p): p is TvPageKind => (TV_PAGE_KINDS as readonly string[]).includes(p));
  const pages = wanted.length > 0 ? [...new Set(wanted)] : [...TV_PAGE_KINDS];
  return { view, token, rotateSec, scope, pages };
}
