import { type DrainContext, mustGo, type PodSnapshot } from "../drain-context.js";
import { type Tier, tierRank } from "../tiers.js";
import { type DrainStep, done, failed, retryAfter, type StepOutcome, WATCHDOG_MS } from "./step.js";

/**
 * Evicts the pods of one tier (and any pod of an earlier tier that appeared late) and waits until they
 * are gone. Pods already terminating are waited for in their tier. Done when none is left.
 */
export function evictTierStep(tier: Tier): DrainStep {
  return {
    name: `evict:${tier}`,
    async run(context: DrainContext): Promise<StepOutcome> {
      const inScope = context.snapshot.filter((snapshot) => inTierScope(snapshot, tier));
      const refused = context.snapshot.find(
        (snapshot) => snapshot.verdict.action === "refuse" && tierRank(snapshot.tier) <= tierRank(tier),
      );
      if (refused !== undefined) {
        return failed({
          message: `refusing to evict pod ${refused.ref.namespace}/${refused.ref.name}: ${refused.verdict.message}`,
          retryable: false,
          code: "refused-pods",
        });
      }
      const candidates = inScope
        .filter(
          (snapshot) => snapshot.verdict.action === "evict" && !context.evictor.isHandled(snapshot.ref.uid),
        )
        .map(({ pod, ref, tier: podTier, budgets }) => ({ pod, ref, tier: podTier, budgets }));
      // Pods whose Deployment is being surged wait until its replacements are Ready.
      const surge = await context.surger?.gate(candidates);
      const now = context.clock.now();
      if (inScope.length === 0) {
        context.report.tierFinished(tier, now);
        return done;
      }
      if (context.report.tierStarted(tier, now)) {
        context.emit({ kind: "tier-started", tier, pods: inScope.length });
      }
      if (tier === "daemonset" && context.state.daemonSetCutoff === undefined) {
        context.state.daemonSetCutoff = now;
      }
      const pumped = context.evictor.pump(surge?.released ?? candidates);
      const next =
        surge?.nextAt === undefined
          ? pumped
          : pumped === undefined
            ? surge.nextAt
            : Math.min(pumped, surge.nextAt);
      if (context.evictor.fatal !== undefined) {
        return failed({ message: context.evictor.fatal, retryable: false, code: "cluster" });
      }
      return retryAfter(next === undefined ? WATCHDOG_MS : next - now);
    },
  };
}

function inTierScope(snapshot: PodSnapshot, tier: Tier): boolean {
  if (!mustGo(snapshot) || tierRank(snapshot.tier) > tierRank(tier)) return false;
  const { action, reason } = snapshot.verdict;
  return (
    (action === "evict" && reason !== "opt-out-expired") || (action === "wait" && reason === "terminating")
  );
}
