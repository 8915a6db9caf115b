import type { BudgetSeries } from "./budget-series.js";
import type { CriticalPath } from "./critical-path.js";
import type { DrainRecord, RecordedEntry } from "./drain-record.js";
import { escapeHtml as esc, svgNumber as n } from "./html-text.js";
import { laneGroups, type PodLane } from "./pod-lanes.js";
import { clockText, timeAxis } from "./time-axis.js";

const LABEL = 320;
const PLOT = 940;
const WIDTH = LABEL + PLOT + 20;
const ROW = 22;
const BUDGET_ROW = 28;
/** Above this many pods, lanes are compact (no per-pod labels): 500 pods stay one screen-scroll. */
const COMPACT_ABOVE = 150;

export interface ChartParts {
  record: DrainRecord;
  lanes: readonly PodLane[];
  budgets: readonly BudgetSeries[];
  path: CriticalPath;
}

/** The whole timeline as one inline SVG: axis, drain row, critical path, budgets, one lane per pod. */
export function timelineChart(parts: ChartParts): string {
  const { record, lanes, budgets, path } = parts;
  const deadline = record.deadlineSeconds;
  const drawnDeadline = deadline !== undefined && deadline <= record.endSeconds * 1.25 ? deadline : undefined;
  const axis = timeAxis(Math.max(record.endSeconds, drawnDeadline ?? 0), PLOT);
  const x = (seconds: number) => LABEL + axis.x(seconds);
  const laneHeight = lanes.length > COMPACT_ABOVE ? 5 : 13;
  const body: string[] = [];
  let y = 24;

  body.push(rowLabel("drain", y, "section"));
  body.push(drainRow(record, x, y));
  y += ROW;
  body.push(rowLabel("critical path", y, "section"));
  for (const [index, step] of path.steps.entries()) {
    body.push(
      `<rect class="critical-step${index % 2 === 1 ? " odd" : ""}" x="${n(x(step.from))}" y="${y + 5}" width="${n(Math.max(1, x(step.to) - x(step.from)))}" height="10"><title>${esc(`${clockText(step.from)}–${clockText(step.to)} (${clockText(step.to - step.from)}): ${step.label}`)}</title></rect>`,
    );
  }
  y += ROW;

  const budgetsTop = y;
  if (budgets.length > 0) {
    body.push(`<text class="heading" x="4" y="${y + 15}">Budgets: disruptions allowed</text>`);
    y += ROW;
    for (const series of budgets) {
      body.push(budgetRow(series, x, y, record.endSeconds));
      y += BUDGET_ROW;
    }
  }

  body.push(`<text class="heading" x="4" y="${y + 15}">Pods: ${lanes.length} on the node</text>`);
  y += ROW;
  const lanesTop = y;
  for (const group of laneGroups(lanes)) {
    body.push(
      `<text class="group" x="4" y="${y + 12}">${esc(`${group.tier} · ${group.workload} · ${group.lanes.length} pod${group.lanes.length === 1 ? "" : "s"}`)}</text>`,
    );
    y += 16;
    for (const lane of group.lanes) {
      body.push(podLane(lane, x, y, laneHeight, path.pods.has(lane.pod)));
      y += laneHeight + (laneHeight > 6 ? 3 : 1);
    }
    y += 4;
  }
  const bottom = y;

  const grid = axis.ticks
    .map(
      (tick) =>
        `<line class="grid" x1="${n(x(tick.seconds))}" x2="${n(x(tick.seconds))}" y1="18" y2="${bottom}"/>` +
        `<text class="tick" x="${n(x(tick.seconds))}" y="12">${esc(tick.label)}</text>`,
    )
    .join("");
  const tiers = tierLines(record.timeline, x, budgetsTop, bottom);
  const deadlineLine =
    drawnDeadline === undefined
      ? ""
      : `<line class="deadline" x1="${n(x(drawnDeadline))}" x2="${n(x(drawnDeadline))}" y1="18" y2="${bottom}"><title>deadline at ${esc(clockText(drawnDeadline))}</title></line>` +
        `<text class="deadline-label" x="${n(x(drawnDeadline) - 3)}" y="${lanesTop - 4}">deadline</text>`;
  const height = bottom + 6;
  return (
    `<svg class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="${esc(`Timeline of the drain of ${record.node}: ${lanes.length} pod lanes`)}">` +
    `${grid}${tiers}${body.join("")}${deadlineLine}</svg>`
  );
}

function rowLabel(text: string, y: number, kind: string): string {
  return `<text class="${kind}" x="4" y="${y + 15}">${esc(text)}</text>`;
}

/** Invocations, heartbeats, the volume and target waits, tier starts and the completion on one row. */
function drainRow(record: DrainRecord, x: (seconds: number) => number, y: number): string {
  const parts: string[] = [];
  for (const invocation of record.invocations ?? []) {
    const tip = `invocation ${invocation.attempt}: ${clockText(invocation.startedAtSeconds)}–${clockText(invocation.endedAtSeconds)}${invocation.outcome === undefined ? "" : `, ${invocation.outcome}`}${invocation.error === undefined ? "" : `, failed: ${invocation.error}`}`;
    parts.push(
      `<rect class="invocation${invocation.error === undefined ? "" : " failed"}" x="${n(x(invocation.startedAtSeconds))}" y="${y + 3}" width="${n(Math.max(2, x(invocation.endedAtSeconds) - x(invocation.startedAtSeconds)))}" height="16" rx="3"><title>${esc(tip)}</title></rect>`,
    );
  }
  // The waits after the evictions: volumes detaching, targets leaving their load balancers' groups.
  for (const [kind, css] of [
    ["volumes-detached", "volumes"],
    ["targets-deregistered", "targets"],
  ] as const) {
    const wait = record.timeline.find((entry) => entry.kind === kind);
    if (wait?.waitedSeconds === undefined || wait.waitedSeconds <= 0) continue;
    const from = wait.seconds - wait.waitedSeconds;
    parts.push(
      `<rect class="${css}" x="${n(x(from))}" y="${y + 6}" width="${n(Math.max(2, x(wait.seconds) - x(from)))}" height="10"><title>${esc(`${clockText(from)}–${clockText(wait.seconds)}: ${wait.text}`)}</title></rect>`,
    );
  }
  for (const entry of record.timeline) {
    const at = n(x(entry.seconds));
    if (entry.kind === "heartbeat") {
      parts.push(
        `<path class="heartbeat" d="M${at} ${y + 2}l4 8l-4 8l-4-8z"><title>${esc(`${clockText(entry.seconds)} ${entry.text}`)}</title></path>`,
      );
    } else if (
      entry.kind === "completion" ||
      entry.kind === "finished" ||
      entry.kind === "deadline-reached"
    ) {
      parts.push(
        `<circle class="mark ${entry.level}" cx="${at}" cy="${y + 11}" r="5"><title>${esc(`${clockText(entry.seconds)} ${entry.text}`)}</title></circle>`,
      );
    } else if (entry.kind === "cordoned" || entry.kind === "stopped" || entry.kind === "started") {
      parts.push(
        `<rect class="mark ${entry.level}" x="${at}" y="${y + 4}" width="3" height="14"><title>${esc(`${clockText(entry.seconds)} ${entry.text}`)}</title></rect>`,
      );
    }
  }
  return parts.join("");
}

function tierLines(
  entries: readonly RecordedEntry[],
  x: (seconds: number) => number,
  top: number,
  bottom: number,
): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const entry of entries) {
    if (entry.kind !== "tier-started" || entry.tier === undefined || seen.has(entry.tier)) continue;
    seen.add(entry.tier);
    const at = n(x(entry.seconds));
    lines.push(
      `<line class="tier" x1="${at}" x2="${at}" y1="${top}" y2="${bottom}"><title>${esc(`${clockText(entry.seconds)} ${entry.text}`)}</title></line>` +
        `<text class="tier-label" x="${n(x(entry.seconds) + 3)}" y="${top + 12}">${esc(`tier ${entry.tier}`)}</text>`,
    );
  }
  return lines.join("");
}

function budgetRow(series: BudgetSeries, x: (seconds: number) => number, y: number, end: number): string {
  const max = Math.max(1, ...series.steps.map((step) => step.allowed));
  const base = y + BUDGET_ROW - 4;
  const scale = (allowed: number) => base - (Math.max(0, allowed) / max) * (BUDGET_ROW - 10);
  let d = "";
  const labels: string[] = [];
  let lastLabelX = Number.NEGATIVE_INFINITY;
  series.steps.forEach((step, index) => {
    const from = x(step.seconds);
    const to = x(series.steps[index + 1]?.seconds ?? end);
    d += `${index === 0 ? "M" : "L"}${n(from)} ${n(scale(step.allowed))}H${n(to)}`;
    if (from - lastLabelX > 18) {
      labels.push(
        `<text class="allowed" x="${n(from + 2)}" y="${n(scale(step.allowed) - 1)}">${step.allowed}</text>`,
      );
      lastLabelX = from;
    }
  });
  const area =
    series.steps.length === 0
      ? `<text class="note" x="${LABEL + 4}" y="${y + 17}">no status seen</text>`
      : `<path class="budget-area" d="${d}V${base}H${n(x(series.steps[0]?.seconds ?? 0))}Z"/><path class="budget-line" d="${d}"/>`;
  const tip = series.steps
    .map(
      (step) =>
        `${clockText(step.seconds)}: disruptionsAllowed ${step.allowed}${step.healthy === undefined ? "" : ` (${step.healthy} healthy, ${step.needed} needed)`}`,
    )
    .join("\n");
  return (
    `<g class="budget"><title>${esc(`budget ${series.budget} covering ${series.pods} pod(s) of the node\n${tip}`)}</title>` +
    `<text class="label" x="4" y="${y + 17}">${esc(`${series.budget} (${series.pods} pods)`)}</text>` +
    `<line class="baseline" x1="${LABEL}" x2="${LABEL + PLOT}" y1="${base}" y2="${base}"/>${area}${labels.join("")}</g>`
  );
}

function podLane(
  lane: PodLane,
  x: (seconds: number) => number,
  y: number,
  height: number,
  critical: boolean,
): string {
  const rects = lane.segments
    .map(
      (segment) =>
        `<rect class="s-${segment.state}" x="${n(x(segment.from))}" y="${y}" width="${n(Math.max(0.8, x(segment.to) - x(segment.from)))}" height="${height}"/>`,
    )
    .join("");
  const refusals = lane.refusals
    .map((at) => `<rect class="refusal" x="${n(x(at) - 0.6)}" y="${y}" width="1.2" height="${height}"/>`)
    .join("");
  const gone =
    lane.goneAt === undefined
      ? ""
      : `<rect class="gone" x="${n(x(lane.goneAt) - 1)}" y="${y - 1}" width="2" height="${height + 2}"/>`;
  const label = height > 6 ? `<text class="pod" x="14" y="${y + height - 2}">${esc(lane.pod)}</text>` : "";
  const tip = [
    `${lane.pod} · ${lane.workload} · tier ${lane.tier}${lane.budgets.length > 0 ? ` · budget ${lane.budgets.join(", ")}` : ""}`,
    ...lane.segments.map((segment) => `${clockText(segment.from)}–${clockText(segment.to)} ${segment.label}`),
    ...lane.entries.slice(0, 40).map((entry) => `${clockText(entry.seconds)} ${entry.text}`),
    ...(lane.entries.length > 40 ? [`… ${lane.entries.length - 40} more`] : []),
  ].join("\n");
  return `<g class="lane${critical ? " critical" : ""}" data-pod="${esc(lane.pod)}" data-end="${lane.end}"><title>${esc(tip)}</title><rect class="hit" x="0" y="${y - 1}" width="${WIDTH}" height="${height + 2}"/>${label}${rects}${refusals}${gone}</g>`;
}
