/**
 * Shared configuration (rosters, break plans, thresholds, users, tokens): JSON documents by key.
 * Every instance sees every change (`watch`), so replicas never keep private configuration.
 */
export interface ConfigStore {
  get<T = unknown>(key: string): Promise<T | null>;
  /** Writes a document; resolves once stored. */
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix`. */
  keys(prefix: string): Promise<string[]>;
  /** Calls `onChange(key)` after any instance changed `key`. Returns a stop function. */
  watch(onChange: (key: string) => void): () => void;
  close(): Promise<void>;
}
