import { isRetryable } from "./cluster-port.js";
import { clampedGraceSeconds, forceTimeOf } from "./deadline.js";
import { type DrainContext, mustGo, type PodSnapshot } from "./drain-context.js";
import { epochMs, graceSecondsOf } from "./pod-facts.js";

export interface DeadlineCheck {
  /** Set when the drain must end now because of the deadline. */
  stop?: "deadline-forced" | "deadline-left";
  /** The next time (epoch ms) the guard has something to do. */
  nextAt?: number;
}

/**
 * Enforces the deadline: warns ahead of it; under policy "force", at (deadline − a pod's grace period)
 * deletes a pod still there with its grace clamped to the time left (never below 1 s); under policy
 * "leave" (kubectl drain's --timeout), stops the drain at the deadline itself, deleting nothing.
 */
export class DeadlineGuard {
  private warned = false;
  private retryForceAt = 0;

  constructor(private readonly context: DrainContext) {}

  async check(): Promise<DeadlineCheck> {
    const { clock, policy, state } = this.context;
    const now = clock.now();
    const deadline = state.deadline;
    const pending = this.context.snapshot.filter(mustGo);
    let nextAt: number | undefined;
    const later = (at: number) => {
      nextAt = nextAt === undefined ? at : Math.min(nextAt, at);
    };

    const warnAt = deadline - policy.deadlineWarningMs;
    if (!this.warned && pending.length > 0) {
      if (now >= warnAt) {
        this.warned = true;
        this.context.emit({
          kind: "deadline-approaching",
          deadline,
          remainingMs: Math.max(0, deadline - now),
          podsLeft: pending.length,
        });
      } else {
        later(warnAt);
      }
    }

    const due: PodSnapshot[] = [];
    const alreadyForced = new Set(state.forced.map((pod) => pod.uid));
    for (const snapshot of pending) {
      if (alreadyForced.has(snapshot.ref.uid)) continue;
      const endsAt = epochMs(snapshot.pod.metadata?.deletionTimestamp);
      if (endsAt !== undefined && endsAt <= deadline) continue;
      const forceAt =
        policy.onDeadline === "leave" ? deadline : forceTimeOf(deadline, graceSecondsOf(snapshot.pod));
      if (now >= forceAt) due.push(snapshot);
      else later(forceAt);
    }

    if (due.length > 0 && policy.onDeadline === "leave") {
      this.context.emit({ kind: "deadline-reached", deadline, podsLeft: pending.length, policy: "leave" });
      return { stop: "deadline-left" };
    }
    if (due.length > 0 && now >= this.retryForceAt) {
      await this.force(due, now);
    }
    if (now >= deadline && (state.counts.forced > 0 || pending.length > 0)) {
      this.context.emit({
        kind: "deadline-reached",
        deadline,
        podsLeft: pending.length,
        policy: policy.onDeadline,
      });
      return { stop: policy.onDeadline === "leave" ? "deadline-left" : "deadline-forced" };
    }
    // With no pod left the steps after the pods (volumes, settle, delete-node) answer the deadline.
    if (now >= deadline) return {};
    if (due.length > 0) later(Math.max(this.retryForceAt, now + 1));
    later(deadline);
    return nextAt === undefined ? {} : { nextAt };
  }

  private async force(due: PodSnapshot[], now: number): Promise<void> {
    const { cluster, state, evictor } = this.context;
    let forcedAny = false;
    await Promise.all(
      due.map(async ({ pod, ref }) => {
        const grace = clampedGraceSeconds(state.deadline, now, graceSecondsOf(pod));
        try {
          if ((await cluster.deletePod(ref, { gracePeriodSeconds: grace })) === "gone") {
            evictor.markGone(ref.uid);
            return;
          }
        } catch (error) {
          const message = `force-deleting pod ${ref.namespace}/${ref.name}: ${error instanceof Error ? error.message : String(error)}`;
          this.context.emit({
            kind: "api-error",
            operation: "force-delete",
            retryable: isRetryable(error),
            message,
          });
          this.context.report.warn(message);
          this.retryForceAt = now + this.context.policy.transientBackoff.initialMs * 4;
          return;
        }
        this.context.noteDrainedVolumes(pod);
        evictor.markForced(ref);
        state.forced.push({ ...ref, at: now, graceSeconds: grace });
        state.counts.forced += 1;
        forcedAny = true;
        this.context.emit({ kind: "forced", pod: ref, gracePeriodSeconds: grace });
      }),
    );
    if (forcedAny) await this.context.saveState();
  }
}
