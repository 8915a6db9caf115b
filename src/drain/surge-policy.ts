import type { V1Pod } from "@kubernetes/client-node";
import { type BudgetSummary, budgetNeverAllows } from "./budgets.js";
import { controllerOf } from "./pod-facts.js";
import type { DeploymentFacts } from "./workload-port.js";

/** Annotation on a Deployment: "true" asks for surge before its pods are evicted, "false" forbids it. */
export const SURGE_ANNOTATION = "eks-node-drainer/surge";
/** Which Deployments a drain surges: none, the annotated ones, also single replicas, also budget-blocked ones. */
export const SURGE_MODES = ["off", "annotated", "singletons", "blocked"] as const;
export type SurgeMode = (typeof SURGE_MODES)[number];

export interface SurgeDecision {
  surge: boolean;
  /** Why, in a few words a `plan` can print. */
  reason: string;
}

/** The Deployment a pod belongs to, by its ReplicaSet's name (DEPLOYMENT-<pod-template-hash>), if any. */
export function deploymentNameOf(pod: V1Pod): string | undefined {
  const owner = controllerOf(pod);
  const hash = pod.metadata?.labels?.["pod-template-hash"];
  if (owner?.kind !== "ReplicaSet" || hash === undefined || !owner.name.endsWith(`-${hash}`))
    return undefined;
  return owner.name.slice(0, -(hash.length + 1));
}

/** Why a pod's workload is never surged whatever the mode, or undefined when it may be. */
export function notSurgeable(pod: V1Pod): string | undefined {
  const kind = controllerOf(pod)?.kind;
  if (kind === undefined) return "bare pod: nothing would start its replacement";
  if (kind === "StatefulSet") return "StatefulSet: a second pod of the same identity cannot run";
  if (kind !== "ReplicaSet" || deploymentNameOf(pod) === undefined)
    return `owned by ${kind}, not a Deployment`;
  const claim = pod.spec?.volumes?.find((volume) => volume.persistentVolumeClaim !== undefined);
  if (claim !== undefined) {
    return `uses claim ${claim.persistentVolumeClaim?.claimName}: a second pod may not attach it`;
  }
  return undefined;
}

function forbidsSurge(deployment: DeploymentFacts): string | undefined {
  if (deployment.strategy.type === "Recreate") return "strategy Recreate: never two pods at once";
  const maxSurge = deployment.strategy.maxSurge;
  if (maxSurge === 0 || maxSurge === "0%") return "strategy forbids surge (maxSurge 0)";
  return undefined;
}

/**
 * Pure: whether to surge a Deployment before evicting its pods on the node, and why. The owner's word
 * (annotation, strategy) and an autoscaler's ownership of the replica count come before the mode.
 */
export function decideSurge(input: {
  mode: SurgeMode;
  deployment: DeploymentFacts;
  budgets: readonly BudgetSummary[];
  autoscalers: readonly string[];
}): SurgeDecision {
  const { mode, deployment, budgets, autoscalers } = input;
  if (mode === "off") return { surge: false, reason: "surge is off" };
  const annotation = deployment.annotations[SURGE_ANNOTATION]?.trim().toLowerCase();
  if (annotation === "false") return { surge: false, reason: `opted out (${SURGE_ANNOTATION}: "false")` };
  const forbidden = forbidsSurge(deployment);
  if (forbidden !== undefined) return { surge: false, reason: forbidden };
  if (autoscalers.length > 0) {
    return {
      surge: false,
      reason: `replicas owned by HorizontalPodAutoscaler ${autoscalers.join(", ")}: not changed under it`,
    };
  }
  if (annotation === "true") return { surge: true, reason: `annotated ${SURGE_ANNOTATION}: "true"` };
  if (mode === "annotated") return { surge: false, reason: `not annotated ${SURGE_ANNOTATION}` };
  if (deployment.replicas <= 1) {
    return { surge: true, reason: "a single replica: evicting it would leave none Ready" };
  }
  const blocking = budgets.find(budgetNeverAllows);
  if (mode === "blocked" && blocking !== undefined) {
    return {
      surge: true,
      reason: `budget ${blocking.name} allows no eviction while every pod is healthy`,
    };
  }
  return {
    surge: false,
    reason: `${deployment.replicas} replicas${blocking === undefined ? "" : " (budget-blocked, mode singletons)"}`,
  };
}
