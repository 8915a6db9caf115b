import { expect } from "vitest";
import type { ForcedPod } from "../../../src/drain/drain-state.js";
import type { Pod, SimCluster } from "../../../src/sim/index.js";

/** DaemonSet and mirror pods stay on a drained node (the default policy leaves them). */
export function staysOnNode(pod: Pod): boolean {
  return (
    pod.metadata.ownerReferences?.some((owner) => owner.kind === "DaemonSet") === true ||
    pod.metadata.annotations?.["kubernetes.io/config.mirror"] !== undefined
  );
}

/** The pods still on the node that a drain had to remove. */
export function podsLeftToDrain(sim: SimCluster, nodeName: string): string[] {
  return sim.view
    .pods({ nodeName })
    .filter((pod) => !staysOnNode(pod))
    .map((pod) => `${pod.metadata.namespace}/${pod.metadata.name}`);
}

export interface DeadlinePolicy {
  /** The drain's deadline, epoch ms (on the simulated cluster's clock). */
  deadline: number;
  /** Pods the drain reports as forced at the deadline. */
  forced: readonly ForcedPod[];
  /** The pods on the node when the drain started: their grace periods set their force times. */
  podsAtStart: readonly Pod[];
}

/**
 * What every drain must guarantee, whatever went wrong on the way:
 * - no PodDisruptionBudget was ever violated;
 * - every pod removed from the node went through the Eviction API, except pods the drain reports as
 *   forced, deleted no earlier than (deadline − their grace period).
 */
export function expectNoUnsafeRemoval(sim: SimCluster, nodeName: string, policy?: DeadlinePolicy): void {
  expect(sim.recorder.violations(), "budget violations").toEqual([]);
  const forced = new Set(policy?.forced.map((pod) => pod.uid) ?? []);
  const grace = new Map(
    policy?.podsAtStart.map((pod) => [
      pod.metadata.uid ?? "",
      pod.spec.terminationGracePeriodSeconds ?? 30,
    ]) ?? [],
  );
  const unsafe = sim.recorder
    .deletions()
    .filter((deletion) => deletion.nodeName === nodeName && deletion.via !== "eviction")
    .filter((deletion) => {
      if (deletion.via !== "delete" || policy === undefined || !forced.has(deletion.uid)) return true;
      const forceAt = policy.deadline - (grace.get(deletion.uid) ?? 30) * 1000;
      // A little slack for the simulated clock's and the drain's clock reading the same instant apart.
      return deletion.at < forceAt - 250;
    })
    .map((deletion) => `${deletion.namespace}/${deletion.name} via ${deletion.via} at ${deletion.at}`);
  expect(unsafe, "pods removed other than by eviction or by the deadline rule").toEqual([]);
}
