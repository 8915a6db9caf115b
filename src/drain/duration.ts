const unitMs: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a Go-style duration ("30m", "1h30m", "90s", "1.5h", "250ms") into milliseconds.
 * Returns undefined when the text is not a positive duration.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
  let total = 0;
  let position = 0;
  while (position < trimmed.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(trimmed);
    if (!match) return undefined;
    const [, amount = "0", unit = "s"] = match;
    total += Number(amount) * (unitMs[unit] ?? 0);
    position = pattern.lastIndex;
  }
  return total > 0 ? Math.round(total) : undefined;
}
