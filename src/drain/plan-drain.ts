import type { V1Pod, V1PodDisruptionBudget } from "@kubernetes/client-node";
import { parseLabelSelector } from "../labels/label-selector.js";
import type { Clock } from "./clock.js";
import { ClusterError, type ClusterPort } from "./cluster-port.js";
import { type DrainState, readDrainState } from "./drain-state.js";
import { buildPlan, type DrainPlan } from "./plan.js";
import type { DrainPolicy } from "./policy.js";
import { surgeDecisionFor } from "./surge-decision.js";
import { notSurgeable } from "./surge-policy.js";
import { deploymentKeyOf } from "./surger.js";
import { isWorkloadPort, type WorkloadPort } from "./workload-port.js";

export interface PlanRequest {
  cluster: ClusterPort;
  clock: Clock;
  nodeName: string;
  policy: DrainPolicy;
  /** Epoch ms; ignored when the node already carries a drain's state. Defaults to one hour from now. */
  deadline?: number;
  /** Assumed seconds for a replacement pod to become Ready, for the estimate. Default 30. */
  assumedStartupSeconds?: number;
  /** Deployments and autoscalers, to say which pods would be surged; defaults to `cluster` when it implements WorkloadPort. */
  workloads?: WorkloadPort;
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
  const plan = buildPlan({
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
  const workloads = request.workloads ?? (isWorkloadPort(cluster) ? cluster : undefined);
  await noteSurges(plan, pods, policy, workloads);
  return plan;
}

/** Says, for each pod to evict, whether surge would start its replacement first (reads each Deployment once). */
async function noteSurges(
  plan: DrainPlan,
  pods: readonly V1Pod[],
  policy: DrainPolicy,
  workloads: WorkloadPort | undefined,
): Promise<void> {
  const byUid = new Map(pods.map((pod) => [pod.metadata?.uid ?? "", pod]));
  const decisions = new Map<string, Promise<{ surge: boolean; reason: string }>>();
  await Promise.all(
    plan.pods.map(async (entry) => {
      const pod = byUid.get(entry.uid);
      if (pod === undefined || entry.action !== "evict") return;
      const never = policy.surge === "off" ? "surge is off" : notSurgeable(pod);
      const key = deploymentKeyOf(pod);
      if (never !== undefined || key === undefined || workloads === undefined) {
        entry.surge = { surge: false, reason: never ?? "the cluster offers no Deployment access" };
        return;
      }
      const [namespace = "", name = ""] = [key.slice(0, key.indexOf("/")), key.slice(key.indexOf("/") + 1)];
      let decided = decisions.get(key);
      if (decided === undefined) {
        decided = surgeDecisionFor({
          workloads,
          mode: policy.surge,
          namespace,
          name,
          budgets: entry.budgets,
        }).then((answer) => answer.decision);
        decisions.set(key, decided);
      }
      entry.surge = await decided;
    }),
  );
  for (const blocker of plan.blockers) {
    const entry = plan.pods.find((pod) => pod.uid === blocker.pod.uid);
    if (entry?.surge?.surge === true && blocker.kind === "budget-never-allows") {
      blocker.message = `${blocker.message}; surge starts a replacement first, then the budget allows`;
    }
  }
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
