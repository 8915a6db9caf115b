/** Seconds to x on a chart of `width` units, with ticks at round intervals, for a drain of seconds or hours. */
export interface TimeAxis {
  x(seconds: number): number;
  ticks: Array<{ seconds: number; label: string }>;
  span: number;
}

const STEPS = [
  0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200,
  86_400,
];

export function timeAxis(endSeconds: number, width: number, maxTicks = 12): TimeAxis {
  const span = Math.max(endSeconds, 0.5);
  const step = STEPS.find((candidate) => span / candidate <= maxTicks) ?? STEPS[STEPS.length - 1] ?? 86_400;
  const ticks: TimeAxis["ticks"] = [];
  for (let seconds = 0; seconds <= span + 1e-9; seconds = round(seconds + step)) {
    ticks.push({ seconds, label: clockText(seconds) });
  }
  return { x: (seconds) => (Math.min(Math.max(seconds, 0), span) / span) * width, ticks, span };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** 0s, 2.5s, 45s, 1m, 1m30s, 1h, 1h05m. */
export function clockText(seconds: number): string {
  if (seconds < 60) return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  if (hours > 0) return `${hours}h${minutes > 0 || rest > 0 ? `${String(minutes).padStart(2, "0")}m` : ""}`;
  return `${minutes}m${rest > 0 ? `${String(rest).padStart(2, "0")}s` : ""}`;
}
