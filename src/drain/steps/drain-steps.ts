import type { DrainPolicy } from "../policy.js";
import { activeTiers } from "../tiers.js";
import { admitStep } from "./admit-step.js";
import { cordonStep } from "./cordon-step.js";
import { deferredPodsStep } from "./deferred-pods-step.js";
import { deleteNodeStep } from "./delete-node-step.js";
import { evictTierStep } from "./evict-tier-step.js";
import { settleStep } from "./settle-step.js";
import type { DrainStep } from "./step.js";
import { volumeDetachStep } from "./volume-detach-step.js";

/**
 * The drain, as the ordered list of its steps:
 * cordon → admit → evict:ordinary → evict:critical → [evict:daemonset] → deferred → volumes → settle → delete-node.
 * Optional steps are always listed and report done at once when the policy does not ask for them.
 */
export function drainSteps(policy: DrainPolicy): DrainStep[] {
  return [
    cordonStep,
    admitStep,
    ...activeTiers(policy).map(evictTierStep),
    deferredPodsStep,
    volumeDetachStep,
    settleStep,
    deleteNodeStep,
  ];
}

/** Steps that run once: after the drain passed them, a later run does not redo them. */
export const ONCE_STEPS: ReadonlySet<string> = new Set([
  volumeDetachStep.name,
  settleStep.name,
  deleteNodeStep.name,
]);
