/** Wraps `report` so a flapping connection logs at most one line every `everyMs`. */
export function rateLimited(report: (message: string, err: unknown) => void, everyMs = 5_000): (message: string, err: unknown) => void {
  let last = 0;
  return (message, err) => {
    const now = Date.now();
    if (now - last < everyMs) return;
    last = now;
    report(message, err);
  };
}
