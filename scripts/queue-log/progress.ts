/** One line of progress: `[#####-----]  52.3%  12.1/23.2 MB  8,432 lines/s  ETA 0:13`. */
export function formatProgress(p: { done: number; total: number; lines: number; elapsedMs: number }, width = 24): string {
  const total = Math.max(p.total, p.done);
  const frac = total === 0 ? 1 : p.done / total;
  const filled = Math.round(frac * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const secs = p.elapsedMs / 1000;
  const linesPerSec = secs > 0 ? Math.round(p.lines / secs) : 0;
  const bytesPerSec = secs > 0 ? p.done / secs : 0;
  const eta = bytesPerSec > 0 ? formatDuration((total - p.done) / bytesPerSec) : '--:--';
  return `${bar} ${(frac * 100).toFixed(1).padStart(5)}%  ${formatBytes(p.done)}/${formatBytes(total)}  ${linesPerSec.toLocaleString('en-US')} lines/s  ETA ${eta}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function formatDuration(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}
