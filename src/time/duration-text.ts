/** Durations and times as the CLI prints them. */

/** "850ms", "12.3s", "4m05s", "1h02m". */
export function durationText(ms: number): string {
  const abs = Math.max(0, ms);
  if (abs < 1_000) return `${Math.round(abs)}ms`;
  if (abs < 60_000) return `${(abs / 1_000).toFixed(1)}s`;
  const totalSeconds = Math.round(abs / 1_000);
  if (totalSeconds < 3_600) {
    return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, "0")}s`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)}h${String(totalMinutes % 60).padStart(2, "0")}m`;
}

/** Seconds since a start, fixed width for a timeline column: "  12.3s". */
export function elapsedText(ms: number): string {
  return `${(Math.max(0, ms) / 1_000).toFixed(1)}s`.padStart(7);
}

/** ISO 8601 without milliseconds, in UTC. */
export function timeText(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}
