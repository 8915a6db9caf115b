import { budgetSeries } from "./budget-series.js";
import { criticalPath } from "./critical-path.js";
import type { DrainRecord } from "./drain-record.js";
import { escapeHtml as esc } from "./html-text.js";
import { LANE_STATES, type LaneState, podLanes } from "./pod-lanes.js";
import { REPORT_SCRIPT, REPORT_STYLE } from "./report-style.js";
import { clockText } from "./time-axis.js";
import { timelineChart } from "./timeline-chart.js";

const STATE_NAMES: Record<LaneState, string> = {
  running: "running",
  held: "held back by a budget",
  queued: "queued for eviction",
  waiting: "waited for (leaves by itself)",
  terminating: "eviction accepted, terminating",
  forced: "forced at the deadline",
  skipped: "skipped (stays)",
  returned: "returned to the node (stays)",
};

/**
 * The drain as one self-contained HTML page: a summary, the critical path, and the timeline (one lane per
 * pod, the budgets, tiers, heartbeats, invocations, the deadline). Inline CSS and a little inline script
 * (hover details); no network, opens from disk, follows the reader's light or dark mode, prints. The record
 * is embedded as JSON, so the page carries the data it was drawn from.
 */
export function renderDrainReport(record: DrainRecord): string {
  const lanes = podLanes(record);
  const budgets = budgetSeries(record);
  const path = criticalPath(record, lanes);
  const ended = lanes.reduce(
    (counts, lane) => counts.set(lane.end, (counts.get(lane.end) ?? 0) + 1),
    new Map<string, number>(),
  );
  const facts: Array<[string, string]> = [
    ["node", record.node],
    ...(record.instanceId === undefined
      ? []
      : ([["instance", record.instanceId]] as Array<[string, string]>)),
    ["outcome", record.outcome],
    [record.kind === "plan" ? "estimated duration" : "duration", clockText(record.endSeconds)],
    ["evictions", String(record.counts.evictions)],
    ["refusals", String(record.counts.refusals)],
    ["forced", String(record.counts.forced)],
    ["pods", [...ended].map(([end, count]) => `${count} ${end}`).join(", ") || "none"],
    ...(record.counts.heartbeats === undefined
      ? []
      : ([["heartbeats", String(record.counts.heartbeats)]] as Array<[string, string]>)),
    ...(record.invocations === undefined
      ? []
      : ([["invocations", String(record.invocations.length)]] as Array<[string, string]>)),
    [
      "deadline",
      record.deadlineSeconds === undefined ? "none" : `${clockText(record.deadlineSeconds)} after the start`,
    ],
    ["started", record.startedAt],
  ];
  const title = `${record.kind === "plan" ? "Planned drain" : "Drain"} of ${record.node}`;
  const pathItems = path.steps
    .map(
      (step) =>
        `<li><span class="when">${esc(clockText(step.from))}–${esc(clockText(step.to))}</span> <b>${esc(clockText(step.to - step.from))}</b> ${esc(step.label)}</li>`,
    )
    .join("");
  const legend = LANE_STATES.map(
    (state) =>
      `<li><svg width="18" height="12" aria-hidden="true"><rect class="s-${state}" width="18" height="12"/></svg>${esc(STATE_NAMES[state])}</li>`,
  ).join("");
  const data = JSON.stringify(record).replaceAll("<", "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${esc(title)}</title>
<style>${REPORT_STYLE}</style>
</head>
<body>
<header>
<h1 class="${record.succeeded ? "ok" : "bad"}">${esc(title)}: ${esc(record.outcome)}</h1>
<p class="subtitle">${esc(record.title)}${record.kind === "plan" ? " — a prediction from the plan's estimates, not a recording" : ""}</p>
<dl class="facts">${facts.map(([name, value]) => `<div><dt>${esc(name)}</dt><dd>${esc(value)}</dd></div>`).join("")}</dl>
</header>
<section class="path">
<h2>Critical path: the waits that decided the drain's length</h2>
<ol>${pathItems}</ol>
</section>
<ul class="legend">${legend}<li><svg width="18" height="12" aria-hidden="true"><rect class="refusal" x="8" width="2" height="12"/></svg>eviction refused</li><li><svg width="18" height="12" aria-hidden="true"><rect class="gone" x="8" width="2" height="12"/></svg>gone</li><li><svg width="18" height="12" aria-hidden="true"><rect class="s-held critical-sample" width="18" height="12"/></svg>on the critical path</li></ul>
<figure class="chart">${timelineChart({ record, lanes, budgets, path })}</figure>
<div id="tip" role="tooltip" hidden></div>
<script type="application/json" id="drain-record">${data}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
