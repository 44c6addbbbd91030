import type { ConfigStore } from './config-store.ts';

/** Configuration in process memory (the default store; one instance). Values are copied in and out. */
export class MemoryConfigStore implements ConfigStore {
  private docs = new Map<string, string>();
  private watchers = new Set<(key: string) => void>();

  async get<T>(key: string): Promise<T | null> {
    const v = this.docs.get(key);
    return v === undefined ? null : (JSON.parse(v) as T);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.docs.set(key, JSON.stringify(value));
    this.notify(key);
  }

  async delete(key: string): Promise<void> {
    if (this.docs.delete(key)) this.notify(key);
  }

  async keys(prefix: string): Promise<string[]> {
    return [...this.docs.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  watch(onChange: (key: string) => void): () => void {
    this.watchers.add(onChange);
    return () => this.watchers.delete(onChange);
  }

  async close(): Promise<void> { this.watchers.clear(); }

  private notify(key: string): void { for (const w of this.watchers) w(key); }
}
