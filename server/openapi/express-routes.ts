import type { Express } from 'express';

export interface RegisteredRoute { method: string; path: string }

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  /** express 5 (router 2): true for a middleware/router mounted at the root (`app.use(router)`). */
  slash?: boolean;
}

/**
 * Every route registered on an express 5 app (its router stack, and routers mounted at the root),
 * as `{method, path}` with express path syntax (`/api/v1/teams/:teamId/break-plan`).
 * A router mounted under a prefix with routes of its own is reported as an error: its paths could
 * not be told from here.
 */
export function registeredRoutes(app: Express): RegisteredRoute[] {
  const out: RegisteredRoute[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') out.push({ method: m.toUpperCase(), path });
      } else if (layer.handle?.stack) {
        if (!layer.slash && layer.handle.stack.some((l) => l.route)) throw new Error('a router with routes is mounted under a path prefix; mount routers at the root');
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}
