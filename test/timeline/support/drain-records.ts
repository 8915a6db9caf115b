import type { DrainRecord, RecordedEntry } from "../../../src/timeline/index.js";

const entry = (seconds: number, kind: string, fields: Partial<RecordedEntry> = {}): RecordedEntry => ({
  seconds,
  source: "drain",
  kind,
  level: "info",
  text: `${kind}${fields.pod === undefined ? "" : ` ${fields.pod}`}`,
  ...fields,
});

/**
 * A small drain: two web pods under budget shop/web (one at a time), a bare api pod, a DaemonSet pod
 * skipped, a CoreDNS pod in the critical tier, and a worker pod forced at the deadline.
 */
export function smallDrain(): DrainRecord {
  return {
    kind: "drain",
    title: "drain node-a",
    node: "node-a",
    instanceId: "i-0123456789abcdef0",
    startedAt: "2026-12-02T06:00:00.000Z",
    outcome: "deadline-forced",
    succeeded: false,
    endSeconds: 40,
    deadlineSeconds: 38,
    counts: { evictions: 4, refusals: 1, forced: 1 },
    pods: [
      { pod: "shop/web-1", workload: "Deployment shop/web", tier: "ordinary", budgets: ["shop/web"] },
      { pod: "shop/web-2", workload: "Deployment shop/web", tier: "ordinary", budgets: ["shop/web"] },
      { pod: "shop/api-1", workload: "Deployment shop/api", tier: "ordinary", budgets: [] },
      { pod: "kube-system/agent-x", workload: "DaemonSet kube-system/agent", tier: "daemonset", budgets: [] },
      {
        pod: "kube-system/coredns-1",
        workload: "Deployment kube-system/coredns",
        tier: "critical",
        budgets: [],
      },
      { pod: "jobs/worker-1", workload: "Deployment jobs/worker", tier: "ordinary", budgets: [] },
    ],
    timeline: [
      entry(0, "started"),
      entry(0.2, "cordoned"),
      entry(0.3, "skipped", {
        pod: "kube-system/agent-x",
        reason: "a DaemonSet pod: its controller ignores the cordon",
      }),
      entry(0.4, "tier-started", { tier: "ordinary" }),
      entry(0.4, "budget", {
        source: "cluster",
        budget: "shop/web",
        disruptionsAllowed: 1,
        currentHealthy: 2,
        desiredHealthy: 1,
      }),
      entry(0.5, "evicted", { pod: "shop/web-1", tier: "ordinary" }),
      entry(0.5, "evicted", { pod: "shop/api-1", tier: "ordinary" }),
      entry(0.6, "evicted", { pod: "jobs/worker-1", tier: "ordinary" }),
      entry(0.6, "budget", {
        source: "cluster",
        budget: "shop/web",
        disruptionsAllowed: 0,
        currentHealthy: 1,
        desiredHealthy: 1,
      }),
      entry(0.7, "blocked", {
        pod: "shop/web-2",
        budget: "shop/web",
        disruptionsAllowed: 0,
        reason: "budget",
      }),
      entry(0.7, "budget", {
        source: "cluster",
        budget: "shop/web",
        disruptionsAllowed: 0,
        currentHealthy: 1,
        desiredHealthy: 1,
      }),
      entry(1.5, "gone", { pod: "shop/web-1" }),
      entry(2, "gone", { pod: "shop/api-1" }),
      entry(4, "budget", {
        source: "cluster",
        budget: "shop/web",
        disruptionsAllowed: 1,
        currentHealthy: 2,
        desiredHealthy: 1,
      }),
      entry(4.1, "evicted", { pod: "shop/web-2", tier: "ordinary" }),
      entry(5.2, "gone", { pod: "shop/web-2" }),
      entry(37, "forced", { pod: "jobs/worker-1", level: "warn" }),
      entry(38.5, "gone", { pod: "jobs/worker-1" }),
      entry(38.6, "tier-started", { tier: "critical" }),
      entry(38.7, "evicted", { pod: "kube-system/coredns-1", tier: "critical" }),
      entry(39.5, "gone", { pod: "kube-system/coredns-1" }),
      entry(39.8, "volumes-detached", { waitedSeconds: 0.2 }),
      entry(40, "finished", { level: "warn" }),
    ],
  };
}
