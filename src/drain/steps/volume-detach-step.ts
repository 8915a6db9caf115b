import { isRetryable, type VolumeAttachmentInfo } from "../cluster-port.js";
import type { DrainContext } from "../drain-context.js";
import type { VolumeWaitOutcome } from "../drain-state.js";
import { isFinished } from "../pod-facts.js";
import { attachedVolumeOf, unresolvedClaims, volumesToWaitFor } from "../pod-volumes.js";
import { type DrainStep, done, retryAfter, type StepOutcome } from "./step.js";

/**
 * Waits until the VolumeAttachments on the node of the volumes the drained pods used are deleted, so that
 * the pods' replacements can attach them elsewhere before the instance goes. The drained pods' claims are
 * resolved to their PersistentVolumes (pod → claim → volume); inline EBS volumes are matched by volume ID.
 * Volumes of pods the drain leaves on the node (DaemonSets, skipped pods) do not count. Bounded by the
 * drain's deadline (and by `volumeDetachTimeoutMs` when set), counted from when this step began, across
 * runs. At the deadline the policy decides: "force" goes on without them (the result says so), "leave"
 * ends the drain there.
 */
export const volumeDetachStep: DrainStep = {
  name: "volumes",
  async run(context: DrainContext): Promise<StepOutcome> {
    const { policy, clock, state } = context;
    if (!policy.waitForVolumeDetach) return done;
    state.volumeWait ??= { claims: {}, inline: [] };
    const wait = state.volumeWait;
    const now = clock.now();
    const started = state.phase === "volumes" ? state.phaseStartedAt : now;
    const waitedMs = now - started;

    // Claims not read yet (a read failed earlier) are read now; one still unread keeps the wait going.
    await context.claimVolumes.settle();
    const unread = unresolvedClaims(wait);
    const podsLeft = context.view.pods().filter((pod) => !isFinished(pod));
    const wanted = new Set(volumesToWaitFor(wait, podsLeft));
    const listed = wanted.size === 0 ? [] : await listAttachments(context);
    const blocking = (listed ?? []).filter((attachment) => wanted.has(attachedVolumeOf(attachment) ?? ""));
    const stillAttached = blocking.map((attachment) => attachedVolumeOf(attachment) ?? attachment.name);
    wait.volumes = [...new Set([...(wait.volumes ?? []), ...stillAttached])];
    const report = (outcome: VolumeWaitOutcome | "waiting") => {
      context.report.volumes = {
        volumes: [...(wait.volumes ?? [])],
        attached: stillAttached,
        outcome,
        waitedMs,
      };
    };

    if (listed !== undefined && blocking.length === 0 && unread.length === 0) {
      wait.outcome = "detached";
      report("detached");
      context.emit({
        kind: "volumes-detached",
        waitedMs,
        timedOut: false,
        attachments: [],
        volumes: [...(wait.volumes ?? [])],
      });
      return done;
    }

    const timeoutAt =
      policy.volumeDetachTimeoutMs === undefined ? undefined : started + policy.volumeDetachTimeoutMs;
    const until = Math.min(state.deadline, timeoutAt ?? Number.POSITIVE_INFINITY);
    const unknown = [
      ...unread.map((claim) => `(the volume of claim ${claim}, not read yet)`),
      ...(listed === undefined ? ["(unknown: the attachments could not be listed)"] : []),
    ];
    const names = [...stillAttached, ...unknown];
    // Announced when the wait begins in this run, and again when what it waits for (or why) changes.
    const detachErrors = detachErrorsOf(blocking);
    const announcement = JSON.stringify([names, detachErrors]);
    if (context.report.volumeWaitAnnounced !== announcement) {
      context.report.volumeWaitAnnounced = announcement;
      context.emit({
        kind: "volumes-waiting",
        volumes: names,
        attachments: blocking.map((attachment) => attachment.name),
        detachErrors,
        until,
      });
    }

    if (now >= state.deadline) {
      wait.outcome = "deadline";
      report("deadline");
      const action = policy.onDeadline === "force" ? "going on without them" : "stopping the drain";
      context.report.warn(`volumes still attached at the deadline, ${action}: ${names.join(", ")}`);
      context.emit({
        kind: "volumes-detached",
        waitedMs,
        timedOut: true,
        attachments: blocking.map((attachment) => attachment.name),
        volumes: names,
        atDeadline: true,
      });
      // "leave": not done; the loop ends the drain at the deadline with deadline-left.
      return policy.onDeadline === "force" ? done : retryAfter(0);
    }
    if (timeoutAt !== undefined && now >= timeoutAt) {
      wait.outcome = "timed-out";
      report("timed-out");
      context.report.warn(
        `volumes still attached after ${Math.round(waitedMs / 1000)}s: ${names.join(", ")}`,
      );
      context.emit({
        kind: "volumes-detached",
        waitedMs,
        timedOut: true,
        attachments: blocking.map((attachment) => attachment.name),
        volumes: names,
      });
      return done;
    }
    report("waiting");
    return retryAfter(Math.min(policy.volumePollIntervalMs, until - now));
  },
};

/** The node's attachments, or undefined when they could not be listed (reported; the wait goes on). */
async function listAttachments(context: DrainContext): Promise<VolumeAttachmentInfo[] | undefined> {
  try {
    return await context.cluster.listVolumeAttachments(context.nodeName);
  } catch (error) {
    const message = `listing volume attachments of node ${context.nodeName}: ${error instanceof Error ? error.message : String(error)}`;
    context.emit({
      kind: "api-error",
      operation: "list-volume-attachments",
      retryable: isRetryable(error),
      message,
    });
    return undefined;
  }
}

function detachErrorsOf(attachments: readonly VolumeAttachmentInfo[]): string[] {
  return attachments.flatMap((attachment) =>
    attachment.detachError === undefined
      ? []
      : [`${attachedVolumeOf(attachment) ?? attachment.name}: ${attachment.detachError}`],
  );
}
