import type { V1PodDisruptionBudget } from "@kubernetes/client-node";
import { parseLabelSelector } from "../labels/label-selector.js";
import type { Clock } from "./clock.js";
import { ClusterError, type ClusterPort } from "./cluster-port.js";
import { type DrainState, readDrainState } from "./drain-state.js";
import { buildPlan, type DrainPlan } from "./plan.js";
import type { DrainPolicy } from "./policy.js";

export interface PlanRequest {
  cluster: ClusterPort;
  clock: Clock;
  nodeName: string;
  policy: DrainPolicy;
  /** Epoch ms; ignored when the node already carries a drain's state. Defaults to one hour from now. */
  deadline?: number;
  /** Assumed seconds for a replacement pod to become Ready, for the estimate. Default 30. */
  assumedStartupSeconds?: number;
}

const DEFAULT_HORIZON_MS = 3_600_000;

/** What a drain of the node would do now, without changing anything (two lists and a read). */
export async function planDrain(request: PlanRequest): Promise<DrainPlan> {
  const { cluster, clock, nodeName, policy } = request;
  const node = await cluster.getNode(nodeName).catch((cause: unknown) => {
    throw wrap(`reading node ${nodeName}`, cause);
  });
  let state: DrainState | undefined;
  try {
    state = node === undefined ? undefined : readDrainState(node);
  } catch {
    state = undefined;
  }
  const [pods, budgets] = await Promise.all([
    node === undefined
      ? Promise.resolve([])
      : cluster.listPodsOnNode(nodeName).catch((cause: unknown) => {
          throw wrap(`listing pods on node ${nodeName}`, cause);
        }),
    cluster.listBudgets().catch((cause: unknown): V1PodDisruptionBudget[] => {
      // Without read access to budgets the plan still stands, only without budget details.
      if (cause instanceof ClusterError && cause.kind === "forbidden") return [];
      throw wrap("listing PodDisruptionBudgets", cause);
    }),
  ]);
  const now = clock.now();
  return buildPlan({
    nodeName,
    pods,
    budgets,
    policy,
    selector: policy.podSelector === undefined ? undefined : parseLabelSelector(policy.podSelector),
    now,
    startedAt: state?.startedAt ?? now,
    deadline: state?.deadline ?? request.deadline ?? now + DEFAULT_HORIZON_MS,
    assumedStartupSeconds: request.assumedStartupSeconds ?? 30,
    node: {
      exists: node !== undefined,
      unschedulable: node?.spec?.unschedulable === true,
      ...(state === undefined ? {} : { state }),
    },
  });
}

function wrap(what: string, cause: unknown): Error {
  if (cause instanceof ClusterError) {
    return new ClusterError(`${what}: ${cause.message}`, {
      kind: cause.kind,
      ...(cause.status === undefined ? {} : { status: cause.status }),
      cause,
    });
  }
  return new Error(what, { cause });
}
