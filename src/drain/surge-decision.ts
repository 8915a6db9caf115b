import type { BudgetSummary } from "./budgets.js";
import { decideSurge, type SurgeDecision, type SurgeMode } from "./surge-policy.js";
import type { DeploymentFacts, WorkloadPort } from "./workload-port.js";

/**
 * Reads what a surge decision needs (the Deployment; its autoscalers only when it would be surged) and
 * decides. Shared by the drain and `plan`. A read that fails means no surge: never change what could not
 * be read.
 */
export async function surgeDecisionFor(input: {
  workloads: WorkloadPort;
  mode: SurgeMode;
  namespace: string;
  name: string;
  budgets: readonly BudgetSummary[];
}): Promise<{ decision: SurgeDecision; deployment?: DeploymentFacts }> {
  const { workloads, mode, namespace, name, budgets } = input;
  let deployment: DeploymentFacts | undefined;
  try {
    deployment = await workloads.getDeployment(namespace, name);
  } catch (error) {
    return {
      decision: { surge: false, reason: `reading Deployment ${namespace}/${name}: ${message(error)}` },
    };
  }
  if (deployment === undefined) {
    return { decision: { surge: false, reason: `no Deployment ${namespace}/${name}` } };
  }
  const first = decideSurge({ mode, deployment, budgets, autoscalers: [] });
  if (!first.surge) return { decision: first, deployment };
  try {
    const autoscalers = await workloads.autoscalersOf(namespace, "Deployment", name);
    return { decision: decideSurge({ mode, deployment, budgets, autoscalers }), deployment };
  } catch (error) {
    return {
      decision: {
        surge: false,
        reason: `reading HorizontalPodAutoscalers of ${namespace}: ${message(error)}`,
      },
      deployment,
    };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
