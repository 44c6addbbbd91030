import { startTestApp } from '/work/main/server/test-support/test-app.ts';
import { registeredRoutes } from '/work/main/server/openapi/express-routes.ts';
const t = await startTestApp();
for (const r of registeredRoutes(t.app.express)) console.log(r.method, r.path);
await t.close();
