import type { LifecycleActions } from "../aws/lifecycle.js";
import type { Clock } from "../drain/clock.js";
import { continuationMessage } from "../events/continuation.js";
import { type DrainEnding, decideCompletion } from "./completion-policy.js";
import { actionOf, type Delivery } from "./delivery.js";
import { describeError, type JobLog } from "./job-log.js";
import type { LifecycleRecord } from "./lifecycle-record.js";
import type { NodeRecordStore } from "./node-record-store.js";
import { afterCompletion, afterHandOff, withoutLeaseOf } from "./notice-admission.js";
import { CompletionError, NoticeError, noticeError } from "./notice-error.js";
import type { NoticeOutcome } from "./notice-outcome.js";
import type { Settings } from "./settings.js";

export interface NoticeCloserDependencies {
  settings: Settings;
  clock: Clock;
  lifecycle: LifecycleActions;
  log: JobLog;
}

/**
 * Carries out the completion policy's answer for one delivery: completes the action, hands the drain off
 * to a continuation (heartbeat first), leaves it to the hook's DefaultResult, or gives the notice back
 * for a retry. It keeps the node's lifecycle record in step: the completion recorded, the lease released.
 */
export class NoticeCloser {
  constructor(
    private readonly deps: NoticeCloserDependencies,
    private readonly delivery: Delivery,
  ) {}

  /** `store` is absent when there is no node (nothing to record on). */
  async close(
    ending: DrainEnding,
    store: NodeRecordStore | undefined,
    lastHeartbeatAt?: number,
  ): Promise<NoticeOutcome> {
    const { settings, lifecycle, clock } = this.deps;
    const { notice, owner } = this.delivery;
    const decision = decideCompletion(ending, settings, this.delivery.result);
    const nodeName = store?.nodeName;
    switch (decision.kind) {
      case "complete": {
        let completion: Awaited<ReturnType<LifecycleActions["complete"]>>;
        try {
          completion = await lifecycle.complete(actionOf(this.delivery), decision.result);
        } catch (error) {
          await this.release(store);
          throw new CompletionError(
            `completing the lifecycle action of ${notice.instanceId} with ${decision.result}`,
            error,
          );
        }
        const at = clock.now();
        await this.record(store, (record) => afterCompletion(record, { owner, result: decision.result, at }));
        return {
          kind: "completed",
          result: decision.result,
          completion,
          reason: decision.reason,
          ...(nodeName === undefined ? {} : { nodeName }),
        };
      }
      case "continue-later":
        return this.handOff(decision.reason, store, lastHeartbeatAt);
      case "left-to-default-result": {
        const at = clock.now();
        await this.record(store, (record) =>
          afterCompletion(record, { owner, result: "DEFAULT-RESULT", at }),
        );
        return { kind: "left-to-default-result", reason: decision.reason, nodeName: nodeName ?? "" };
      }
      case "stop":
        await this.release(store);
        return { kind: "stopped", reason: decision.reason, ...(nodeName === undefined ? {} : { nodeName }) };
      case "retry":
        await this.release(store);
        throw new NoticeError(decision.reason, { retryable: decision.retryable });
    }
  }

  /**
   * The state is already on the node: heartbeat (the next invocation may start later than the heartbeat
   * timeout allows otherwise), schedule the continuation, then record the hand-off and end the lease.
   */
  private async handOff(
    reason: string,
    store: NodeRecordStore | undefined,
    lastHeartbeatAt: number | undefined,
  ): Promise<NoticeOutcome> {
    const { lifecycle, clock, log } = this.deps;
    const { notice, owner } = this.delivery;
    const nodeName = store?.nodeName ?? "";
    let beatAt = lastHeartbeatAt;
    try {
      const beat = await lifecycle.recordHeartbeat(actionOf(this.delivery));
      if (beat === "action-gone") {
        await this.release(store);
        return { kind: "stopped", reason: "the lifecycle action is no longer waiting", nodeName };
      }
      beatAt = clock.now();
    } catch (error) {
      log.warn("heartbeat before the hand-off failed; the next invocation beats again", {
        instanceId: notice.instanceId,
        error: describeError(error),
      });
    }
    const next = this.delivery.attempt + 1;
    let scheduled: string;
    try {
      scheduled = await this.delivery.continuations.schedule(continuationMessage(notice, next));
    } catch (error) {
      await this.release(store);
      throw noticeError(`scheduling continuation ${next} of the drain of node ${nodeName}`, error);
    }
    const at = clock.now();
    await this.record(store, (record) =>
      afterHandOff(record, { owner, attempt: next, at, lastHeartbeatAt: beatAt }),
    );
    return { kind: "continued", nextAttempt: next, reason, nodeName, scheduled };
  }

  /** Ends this delivery's lease so that its redelivery is not kept waiting. Best effort. */
  private release(store: NodeRecordStore | undefined): Promise<void> {
    return this.record(store, (record) => withoutLeaseOf(record, this.delivery.owner));
  }

  /** Writes a change to the node's lifecycle record; a failure is logged, never thrown. */
  private async record(
    store: NodeRecordStore | undefined,
    change: (record: LifecycleRecord) => LifecycleRecord,
  ): Promise<void> {
    if (store === undefined) return;
    const token = this.delivery.notice.token;
    try {
      await store.update((record) => ({ value: undefined, write: change(record ?? { token }) }));
    } catch (error) {
      this.deps.log.warn("writing the lifecycle record failed", {
        nodeName: store.nodeName,
        error: describeError(error),
      });
    }
  }
}
