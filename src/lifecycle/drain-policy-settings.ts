import { type DrainPolicy, drainPolicyWith } from "../drain/policy.js";
import type { Settings } from "./settings.js";

/**
 * The drain policy the Lambda's settings ask for. ON_DEADLINE is the engine's own onDeadline: force
 * deletes what is left at the deadline, leave stops there (DEADLINE_RESULT then says how the completion
 * policy answers).
 */
export function drainPolicyOf(settings: Settings, overrides: Partial<DrainPolicy> = {}): DrainPolicy {
  return drainPolicyWith({
    evictDaemonSets: settings.EVICT_DAEMONSETS,
    deleteNode: settings.DELETE_NODE,
    settleMs: settings.SETTLE_SECONDS * 1000,
    waitForVolumeDetach: settings.WAIT_FOR_VOLUME_DETACH,
    surge: settings.SURGE,
    unreachableAfterMs: settings.UNREACHABLE_AFTER_SECONDS * 1000,
    outOfServiceTaint: settings.OUT_OF_SERVICE_TAINT,
    maxEvictionsPerOwner: settings.MAX_EVICTIONS_PER_OWNER,
    onDeadline: settings.ON_DEADLINE,
    ...overrides,
  });
}
