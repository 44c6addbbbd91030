/**
 * Vitest global setup: one private redis-server for the whole run (never the shared one on
 * :6379). Tests get its URL with `inject('redisUrl')` (or FLOORBOARD_TEST_REDIS_URL in child
 * processes) and keep out of each other's way with their own key prefixes.
 */
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startRedisServer } from './redis-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startRedisServer();
  project.provide('redisUrl', server.url);
  process.env.FLOORBOARD_TEST_REDIS_URL = server.url;
  return async () => {
    await server.dispose();
  };
}
