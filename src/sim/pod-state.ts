import type { Condition, ContainerStatus, Pod, PodStatus } from "./kube-objects.js";

/** Annotations through which a scenario tells the simulated kubelet how a pod behaves. */
export const behaviour = {
  shutdownSeconds: "sim.eks-node-drainer.io/shutdown-seconds",
  startupSeconds: "sim.eks-node-drainer.io/startup-seconds",
  neverReady: "sim.eks-node-drainer.io/never-ready",
  stuckPending: "sim.eks-node-drainer.io/stuck-pending",
} as const;

export function isReady(pod: Pod): boolean {
  return (
    pod.status.conditions?.some((condition) => condition.type === "Ready" && condition.status === "True") ??
    false
  );
}

export function isTerminating(pod: Pod): boolean {
  return pod.metadata.deletionTimestamp !== undefined;
}

export function isTerminal(pod: Pod): boolean {
  return pod.status.phase === "Succeeded" || pod.status.phase === "Failed";
}

/** Counts toward a budget: Ready and not being deleted (disruptedPods aside). */
export function isHealthy(pod: Pod): boolean {
  return !isTerminating(pod) && isReady(pod);
}

function secondsAnnotation(pod: Pod, key: string, fallback: number): number {
  const raw = pod.metadata.annotations?.[key];
  const value = raw === undefined ? Number.NaN : Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

export function shutdownSeconds(pod: Pod): number {
  return secondsAnnotation(pod, behaviour.shutdownSeconds, 1);
}

export function startupSeconds(pod: Pod): number {
  return secondsAnnotation(pod, behaviour.startupSeconds, 2);
}

/** Sets (or replaces) one condition, keeping lastTransitionTime when its status does not change. */
export function setCondition(conditions: Condition[] | undefined, next: Condition): Condition[] {
  const list = [...(conditions ?? [])];
  const index = list.findIndex((condition) => condition.type === next.type);
  const existing = index >= 0 ? list[index] : undefined;
  const merged: Condition = { ...next };
  if (existing && existing.status === next.status && existing.lastTransitionTime) {
    merged.lastTransitionTime = existing.lastTransitionTime;
  }
  if (index >= 0) list[index] = merged;
  else list.push(merged);
  return list;
}

function containerID(random: () => string): string {
  return `containerd://${random()}`;
}

/** The status of a pod whose containers run (and are Ready unless `ready` is false). */
export function runningStatus(
  pod: Pod,
  now: string,
  ready: boolean,
  addresses: { hostIP: string; podIP: string },
  randomHex: () => string,
): PodStatus {
  const readyText = ready ? "True" : "False";
  let conditions = pod.status.conditions;
  for (const type of ["PodReadyToStartContainers", "Initialized"]) {
    conditions = setCondition(conditions, {
      type,
      status: "True",
      lastProbeTime: null,
      lastTransitionTime: now,
    });
  }
  for (const type of ["Ready", "ContainersReady"]) {
    const condition: Condition = { type, status: readyText, lastProbeTime: null, lastTransitionTime: now };
    if (!ready) {
      condition.reason = "ContainersNotReady";
      condition.message = `containers with unready status: [${pod.spec.containers.map((c) => c.name).join(" ")}]`;
    }
    conditions = setCondition(conditions, condition);
  }
  const containerStatuses: ContainerStatus[] = pod.spec.containers.map((container) => ({
    name: container.name,
    ready,
    started: true,
    restartCount: 0,
    image: container.image,
    imageID: `${container.image.split(":")[0]}@sha256:${randomHex()}`,
    containerID: containerID(randomHex),
    state: { running: { startedAt: now } },
  }));
  return {
    ...pod.status,
    phase: "Running",
    conditions,
    hostIP: addresses.hostIP,
    podIP: addresses.podIP,
    startTime: pod.status.startTime ?? now,
    containerStatuses,
  };
}

/** The status the kubelet writes once a pod's containers have stopped. */
export function terminatedStatus(pod: Pod, now: string, killed: boolean): PodStatus {
  let conditions = pod.status.conditions;
  for (const type of ["Ready", "ContainersReady"]) {
    conditions = setCondition(conditions, {
      type,
      status: "False",
      reason: "PodCompleted",
      lastProbeTime: null,
      lastTransitionTime: now,
    });
  }
  const containerStatuses = pod.spec.containers.map((container) => {
    const previous = pod.status.containerStatuses?.find((status) => status.name === container.name);
    const startedAt = (previous?.state.running as { startedAt?: string } | undefined)?.startedAt ?? now;
    return {
      name: container.name,
      ready: false,
      started: false,
      restartCount: previous?.restartCount ?? 0,
      image: container.image,
      imageID: previous?.imageID ?? "",
      ...(previous?.containerID ? { containerID: previous.containerID } : {}),
      state: {
        terminated: {
          exitCode: killed ? 137 : 0,
          reason: killed ? "Error" : "Completed",
          startedAt,
          finishedAt: now,
          ...(previous?.containerID ? { containerID: previous.containerID } : {}),
        },
      },
    };
  });
  return { ...pod.status, phase: killed ? "Failed" : "Succeeded", conditions, containerStatuses };
}
