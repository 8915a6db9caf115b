import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { classifyPod, type FilterContext } from "../../src/drain/pod-filters.js";
import { drainPolicyWith } from "../../src/drain/policy.js";
import { parseLabelSelector } from "../../src/labels/label-selector.js";
import { makePod, workload } from "./support/fake-workloads.js";

const start = Date.parse("2026-11-24T10:00:00Z");
const deadline = start + 3_600_000;

function context(overrides: Partial<FilterContext> = {}, policy = drainPolicyWith({})): FilterContext {
  return { policy, selector: undefined, now: start, startedAt: start, deadline, ...overrides };
}

function pod(kind: Parameters<typeof workload>[0], extra: Parameters<typeof workload>[2] = {}): V1Pod {
  return makePod(workload(kind, "app", extra), "node-a", 0, "uid-1", true, start);
}

describe("classifyPod", () => {
  it.each([
    ["a Deployment pod", pod("Deployment"), "evict", "ordinary"],
    ["a StatefulSet pod", pod("StatefulSet"), "evict", "ordinary"],
    ["a bare pod (evicted by default: the node is going away)", pod("Pod"), "evict", "bare"],
    ["an emptyDir pod (evicted by default)", pod("Deployment", { emptyDir: true }), "evict", "empty-dir"],
    ["a DaemonSet pod", pod("DaemonSet"), "skip", "daemonset"],
  ])("%s → %s (%s)", (_, subject, action, reason) => {
    const verdict = classifyPod(subject, context());
    expect(verdict.action).toBe(action);
    expect(verdict.reason).toBe(reason);
  });

  it("skips mirror pods", () => {
    const subject = pod("Pod");
    subject.metadata = { ...subject.metadata, annotations: { "kubernetes.io/config.mirror": "abc" } };
    expect(classifyPod(subject, context())).toMatchObject({ action: "skip", reason: "mirror" });
  });

  it.each(["Succeeded", "Failed"])("skips finished pods (phase %s)", (phase) => {
    const subject = pod("Deployment");
    subject.status = { ...subject.status, phase };
    expect(classifyPod(subject, context())).toMatchObject({ action: "skip", reason: "finished" });
  });

  it("evicts DaemonSet pods when the policy asks for it", () => {
    const verdict = classifyPod(pod("DaemonSet"), context({}, drainPolicyWith({ evictDaemonSets: true })));
    expect(verdict).toMatchObject({ action: "evict", reason: "daemonset" });
  });

  it("waits for pods that are already terminating, even once they report a finished phase", () => {
    const subject = pod("Deployment");
    subject.metadata = { ...subject.metadata, deletionTimestamp: new Date(start) };
    expect(classifyPod(subject, context())).toMatchObject({ action: "wait", reason: "terminating" });
    subject.status = { ...subject.status, phase: "Succeeded" };
    expect(classifyPod(subject, context())).toMatchObject({ action: "wait", reason: "terminating" });
  });

  it("leaves a terminating DaemonSet pod alone unless DaemonSets are drained", () => {
    const subject = pod("DaemonSet");
    subject.metadata = { ...subject.metadata, deletionTimestamp: new Date(start) };
    expect(classifyPod(subject, context()).action).toBe("skip");
    expect(classifyPod(subject, context({}, drainPolicyWith({ evictDaemonSets: true })))).toMatchObject({
      action: "wait",
      reason: "terminating",
    });
  });

  it("refuses bare and emptyDir pods when switched to refusal", () => {
    const policy = drainPolicyWith({ barePods: "refuse", emptyDirPods: "refuse" });
    expect(classifyPod(pod("Pod"), context({}, policy))).toMatchObject({ action: "refuse", reason: "bare" });
    expect(classifyPod(pod("Deployment", { emptyDir: true }), context({}, policy))).toMatchObject({
      action: "refuse",
      reason: "empty-dir",
    });
  });

  it("waits for an opted-out pod until the deadline", () => {
    const subject = pod("Deployment", { annotations: { "eks-node-drainer/opt-out": "true" } });
    expect(classifyPod(subject, context())).toMatchObject({
      action: "wait",
      reason: "opted-out",
      waitUntil: deadline,
    });
  });

  it("waits for a pod opted out for a duration, then evicts it", () => {
    const subject = pod("Deployment", { annotations: { "eks-node-drainer/opt-out": "30m" } });
    const until = start + 30 * 60_000;
    expect(classifyPod(subject, context())).toMatchObject({ action: "wait", waitUntil: until });
    expect(classifyPod(subject, context({ now: until }))).toMatchObject({
      action: "evict",
      reason: "opt-out-expired",
    });
  });

  it("never waits past the deadline, whatever the opt-out duration", () => {
    const subject = pod("Deployment", { annotations: { "eks-node-drainer/opt-out": "48h" } });
    expect(classifyPod(subject, context()).waitUntil).toBe(deadline);
  });

  it("ignores an opt-out annotation set to false", () => {
    const subject = pod("Deployment", { annotations: { "eks-node-drainer/opt-out": "false" } });
    expect(classifyPod(subject, context()).action).toBe("evict");
  });

  it("skips pods outside the pod selector", () => {
    const selector = parseLabelSelector("app!=app");
    const policy = drainPolicyWith({ podSelector: "app!=app" });
    expect(classifyPod(pod("Deployment"), context({ selector }, policy))).toMatchObject({
      action: "skip",
      reason: "not-selected",
    });
  });
});
