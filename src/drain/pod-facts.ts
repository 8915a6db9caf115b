import type { V1OwnerReference, V1Pod } from "@kubernetes/client-node";

/** Small, pure questions about a pod. Objects may come from a list (Date) or a raw watch event (string). */

export const MIRROR_POD_ANNOTATION = "kubernetes.io/config.mirror";
/** Kubernetes' own default terminationGracePeriodSeconds. */
export const DEFAULT_GRACE_SECONDS = 30;

export function controllerOf(pod: V1Pod): V1OwnerReference | undefined {
  return pod.metadata?.ownerReferences?.find((owner) => owner.controller === true);
}

export function isDaemonSetPod(pod: V1Pod): boolean {
  return controllerOf(pod)?.kind === "DaemonSet";
}

export function isMirrorPod(pod: V1Pod): boolean {
  return pod.metadata?.annotations?.[MIRROR_POD_ANNOTATION] !== undefined;
}

export function isFinished(pod: V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase === "Succeeded" || phase === "Failed";
}

export function isTerminating(pod: V1Pod): boolean {
  return pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
}

export function isReady(pod: V1Pod): boolean {
  return (
    pod.status?.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ??
    false
  );
}

export function hasEmptyDir(pod: V1Pod): boolean {
  return (
    pod.spec?.volumes?.some((volume) => volume.emptyDir !== undefined && volume.emptyDir !== null) ?? false
  );
}

/** Seconds the pod is given to stop: its pending deletion's grace, else its spec's, else 30. */
export function graceSecondsOf(pod: V1Pod): number {
  const pending = pod.metadata?.deletionGracePeriodSeconds;
  if (typeof pending === "number") return pending;
  return pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
}

/** Epoch milliseconds of a timestamp that may be a Date or an RFC 3339 string; undefined if absent. */
export function epochMs(value: Date | string | undefined | null): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function createdAt(pod: V1Pod): number | undefined {
  return epochMs(pod.metadata?.creationTimestamp);
}

export function describePod(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? "default"}/${pod.metadata?.name ?? "?"}`;
}
