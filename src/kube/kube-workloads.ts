import { ApiException, type V1Deployment } from "@kubernetes/client-node";
import type { DeploymentFacts, PatchOperation, WorkloadPort } from "../drain/workload-port.js";
import { toClusterError } from "./api-errors.js";
import type { KubeClient } from "./kube-client.js";

/** The fields of a Deployment that surge reads. */
export function deploymentFacts(deployment: V1Deployment): DeploymentFacts {
  const rolling = deployment.spec?.strategy?.rollingUpdate;
  const maxSurge = rolling?.maxSurge as number | string | undefined;
  return {
    namespace: deployment.metadata?.namespace ?? "default",
    name: deployment.metadata?.name ?? "",
    generation: deployment.metadata?.generation ?? 0,
    replicas: deployment.spec?.replicas ?? 1,
    observedGeneration: deployment.status?.observedGeneration ?? 0,
    readyReplicas: deployment.status?.readyReplicas ?? 0,
    strategy: {
      type: deployment.spec?.strategy?.type ?? "RollingUpdate",
      ...(maxSurge === undefined ? {} : { maxSurge }),
    },
    selector: deployment.spec?.selector?.matchLabels ?? {},
    labels: deployment.metadata?.labels ?? {},
    annotations: deployment.metadata?.annotations ?? {},
  };
}

/** The WorkloadPort over apps/v1 Deployments and autoscaling/v2 HorizontalPodAutoscalers. */
export class KubeWorkloads implements WorkloadPort {
  constructor(private readonly client: KubeClient) {}

  async getDeployment(namespace: string, name: string): Promise<DeploymentFacts | undefined> {
    try {
      return deploymentFacts(await this.client.apps.readNamespacedDeployment({ namespace, name }));
    } catch (error) {
      if (error instanceof ApiException && Number(error.code) === 404) return undefined;
      throw toClusterError(`reading Deployment ${namespace}/${name}`, error);
    }
  }

  async patchDeployment(
    namespace: string,
    name: string,
    operations: readonly PatchOperation[],
  ): Promise<DeploymentFacts> {
    try {
      // client-node sends a JSON patch (application/json-patch+json) by default.
      const patched = await this.client.apps.patchNamespacedDeployment({
        namespace,
        name,
        body: [...operations],
      });
      return deploymentFacts(patched);
    } catch (error) {
      throw toClusterError(`patching Deployment ${namespace}/${name}`, error);
    }
  }

  async listDeploymentsLabelled(labelKey: string): Promise<DeploymentFacts[]> {
    try {
      const list = await this.client.apps.listDeploymentForAllNamespaces({ labelSelector: labelKey });
      return list.items.map(deploymentFacts);
    } catch (error) {
      throw toClusterError(`listing Deployments labelled ${labelKey}`, error);
    }
  }

  async autoscalersOf(namespace: string, kind: string, name: string): Promise<string[]> {
    try {
      const list = await this.client.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace });
      return list.items
        .filter(
          (autoscaler) =>
            autoscaler.spec.scaleTargetRef.kind === kind && autoscaler.spec.scaleTargetRef.name === name,
        )
        .map((autoscaler) => `${namespace}/${autoscaler.metadata?.name ?? ""}`);
    } catch (error) {
      // A cluster that serves no autoscaling/v2 has no autoscalers.
      if (error instanceof ApiException && Number(error.code) === 404) return [];
      throw toClusterError(`listing HorizontalPodAutoscalers of ${namespace}`, error);
    }
  }
}
