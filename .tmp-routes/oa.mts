import { validate } from '@readme/openapi-parser';
import { openApiDocument } from '/work/main/server/openapi/openapi.ts';
const doc = openApiDocument();
const r = await validate(structuredClone(doc) as never);
console.log(JSON.stringify(r).slice(0, 3000));
console.log(JSON.stringify(doc).length);
