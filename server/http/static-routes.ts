import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';

/** The built wallboard (web/dist) with SPA routes; a clear page when it has not been built. */
export function staticRoutes(distDir: string): Router {
  const r = Router();
  const index = join(distDir, 'index.html');
  r.use(express.static(distDir, { index: false, maxAge: '1h', setHeaders: (res, path) => { if (path.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache'); } }));
  r.get(['/', '/tv', '/supervisor', '/teamlead', '/admin'], (_req, res) => {
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The wallboard is not built yet: run `npm run build` (npm start does it for you).');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return r;
}
