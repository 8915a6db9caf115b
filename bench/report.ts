import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type CaseResult, type TargetResult, targetLines } from "./case-result.js";
import { type BundleFigures, bundleLines, bundleTargets } from "./lambda-bundle.js";
import { type RolloutResult, rolloutLines, rolloutTargets } from "./rollout-case.js";

export interface MachineFacts {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  nodeVersion: string;
  kubectl?: string;
  platform: string;
}

export interface BenchReport {
  startedAt: string;
  totalSeconds: number;
  machine: MachineFacts;
  lambdaBundle?: BundleFigures;
  cases: CaseResult[];
  /** Instance refreshes with and without rollout-aware placement (rollout-case.ts). */
  rollouts?: RolloutResult[];
  /** Scenarios whose measurement itself failed (a drain process that had to be killed, say). */
  crashed: { id: string; error: string }[];
}

const f1 = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : "∞");
const f2 = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : "∞");
const mb = (kb: number) => (kb / 1024).toFixed(0);

function verbs(counts: Record<string, number>): string {
  return ["get", "list", "watch", "patch", "create", "delete"].map((verb) => counts[verb] ?? 0).join("/");
}

function table(rows: string[][]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/** The results table: one row per scenario, ours then kubectl's figures. */
export function resultsTable(cases: readonly CaseResult[]): string {
  const header = [
    "scenario",
    "pods",
    "drain s",
    "bound s",
    "ratio",
    "get/list/watch/patch/create/delete",
    "429",
    "RSS MB",
    "viol",
    "0-Ready s",
    "done",
    "kubectl s",
    "k 429",
    "k 0-Ready s",
    "k done",
    "time ×",
    "429 ×",
  ];
  const rows = cases.map((result) => {
    const ours = result.ours;
    const kubectl = result.kubectl;
    const rss = ours.maxRssKb;
    return [
      result.id,
      String(ours.evicted),
      f2(ours.drainSeconds),
      f2(result.criticalPath.seconds),
      f2(ours.drainSeconds / result.criticalPath.seconds),
      verbs(ours.server.requestsByVerb),
      String(ours.server.refusals),
      result.cli === undefined ? mb(rss) : `${mb(rss)} (cli ${mb(result.cli.maxRssKb)})`,
      String(ours.server.violations),
      f1(ours.availability.zeroReadySeconds),
      ours.statuses.drained === result.drainedNodes ? "yes" : Object.keys(ours.statuses).join(","),
      kubectl === undefined ? "—" : f2(kubectl.server.serverSpanSeconds),
      kubectl === undefined ? "—" : String(kubectl.server.refusals),
      kubectl === undefined ? "—" : f1(kubectl.availability.zeroReadySeconds),
      kubectl === undefined ? "—" : kubectl.exitCode === 0 ? "yes" : "timed out",
      kubectl === undefined ? "—" : f2(ours.server.serverSpanSeconds / kubectl.server.serverSpanSeconds),
      kubectl === undefined || kubectl.server.refusals === 0
        ? "—"
        : f2(ours.server.refusals / kubectl.server.refusals),
    ];
  });
  return table([header, ...rows]);
}

/** Everything printed on stdout: the table, the critical paths, the targets and the Lambda bundle. */
export function textReport(report: BenchReport): string {
  const lines: string[] = [];
  const machine = report.machine;
  lines.push(
    `eks-node-drainer bench — ${report.startedAt} — ${machine.cpus} cores (${machine.cpuModel}), ` +
      `${machine.memoryGb} GB, Node ${machine.nodeVersion}${machine.kubectl ? `, kubectl ${machine.kubectl}` : ""}`,
    "",
    resultsTable(report.cases),
    "",
    "pods: evicted by our drain · drain s: drainNode's wall time in the drain worker (the longest of a fleet) ·",
    "bound s: the critical path (the workload's own time) · ratio: drain / bound · 429: refusals answered ·",
    "RSS: peak resident set of the drain worker (the Lambda's bundle; cli: dist/cli.js drain) · viol: violations ·",
    "0-Ready s: the longest time a drained workload had no Ready pod · done: every drain ended drained (else its statuses) ·",
    "kubectl s / time × / 429 ×: kubectl drain on a fresh cluster, times as the API server saw them; k done: within its --timeout.",
  );
  for (const result of report.cases) {
    lines.push("", `${result.id} — ${result.title} (${result.scenarioFile})`);
    for (const line of result.criticalPath.explanation) lines.push(`  bound: ${line}`);
    const deletions = Object.entries(result.ours.server.deletionsByVia)
      .map(([via, count]) => `${count} by ${via}`)
      .join(", ");
    lines.push(
      `  ours: ${f1(result.ours.processSeconds)} s process, ${result.ours.server.requests} requests, ` +
        `${result.ours.server.connections} TLS connections, removals: ${deletions || "none"}`,
    );
    if (result.cli !== undefined) {
      lines.push(
        `  dist/cli.js: ${result.cli.status} in ${f2(result.cli.durationSeconds)} s, peak RSS ${mb(result.cli.maxRssKb)} MB ` +
          `(/proc VmHWM ${mb(result.cli.polledPeakRssKb)} MB)`,
      );
    }
    if (result.kubectl !== undefined) {
      lines.push(
        `  kubectl: exit ${result.kubectl.exitCode}, ${f1(result.kubectl.processSeconds)} s process, ` +
          `${result.kubectl.server.requests} requests (${verbs(result.kubectl.server.requestsByVerb)}), ` +
          `${result.kubectl.server.violations} violations`,
      );
    }
    if (result.report !== undefined) lines.push(`  timeline: ${result.report}`);
    for (const error of result.ours.errors) lines.push(`  error: ${error}`);
    for (const note of result.skipped) lines.push(`  note: ${note}`);
    lines.push(...targetLines(result.targets));
  }
  if (report.lambdaBundle !== undefined) lines.push("", ...bundleLines(report.lambdaBundle));
  for (const rollout of report.rollouts ?? []) lines.push("", ...rolloutLines(rollout));
  for (const crash of report.crashed) lines.push("", `${crash.id}: NOT MEASURED — ${crash.error}`);
  const all = allTargets(report);
  const failed = all.filter((target) => target.status === "FAIL").length;
  lines.push(
    "",
    `targets: ${all.filter((target) => target.status === "PASS").length} PASS, ${failed} FAIL, ` +
      `${all.filter((target) => target.status === "SKIPPED").length} SKIPPED, ${report.crashed.length} scenarios not measured ` +
      `— whole run ${f1(report.totalSeconds)} s`,
  );
  return lines.join("\n");
}

/** Every target of the run: the scenarios', the Lambda bundle's and the rollouts'. */
export function allTargets(report: BenchReport): TargetResult[] {
  return [
    ...report.cases.flatMap((result) => result.targets),
    ...(report.lambdaBundle === undefined ? [] : bundleTargets(report.lambdaBundle)),
    ...(report.rollouts ?? []).flatMap(rolloutTargets),
  ];
}

/** Writes the report as JSON under bench/results/ (gitignored); returns the file. */
export async function writeJsonReport(report: BenchReport): Promise<string> {
  const directory = "bench/results";
  await mkdir(directory, { recursive: true });
  const file = join(directory, `bench-${report.startedAt.replace(/[:.]/g, "-")}.json`);
  const text = `${JSON.stringify(report, null, 2)}\n`;
  await writeFile(file, text);
  await writeFile(join(directory, "latest.json"), text);
  return file;
}
