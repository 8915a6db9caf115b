import type { ControlPlane } from "./control-plane.js";
import type { PodTemplate, Workload } from "./kube-objects.js";
import type { StoredObject } from "./object-store.js";
import { claimTemplateName, controllerReference, podLabels, templateOf } from "./pod-template.js";
import { resourceTypes } from "./resource-types.js";
import type { ScenarioWorkload } from "./scenario-schema.js";

/** The apps/v1 objects behind a scenario workload, stored so that controllers and clients can read them. */

export interface CreatedWorkload {
  /** The object that owns the pods: the ReplicaSet of a Deployment, else the workload itself. */
  readonly owner: StoredObject<Workload>;
  readonly template: PodTemplate;
}

function workloadObject(
  plane: ControlPlane,
  kind: "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet",
  name: string,
  namespace: string,
  spec: Workload["spec"],
  labels: Record<string, string>,
  owner?: StoredObject<Workload>,
  annotations: Record<string, string> = {},
): Workload {
  return {
    apiVersion: "apps/v1",
    kind,
    metadata: {
      name,
      namespace,
      uid: plane.uid(),
      generation: 1,
      creationTimestamp: plane.timestamp(),
      labels,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ...(owner
        ? {
            ownerReferences: [
              controllerReference(
                "apps/v1",
                owner.object.kind,
                owner.object.metadata.name,
                owner.object.metadata.uid ?? "",
              ),
            ],
          }
        : {}),
    },
    spec,
  };
}

/** A Deployment's spec.strategy as the API server defaults it (RollingUpdate, 25 % / 25 %). */
function strategyOf(workload: ScenarioWorkload): Record<string, unknown> {
  const strategy = workload.strategy;
  if (strategy?.type === "Recreate") return { type: "Recreate" };
  return {
    type: "RollingUpdate",
    rollingUpdate: {
      maxSurge: strategy?.maxSurge ?? "25%",
      maxUnavailable: strategy?.maxUnavailable ?? "25%",
    },
  };
}

/** Creates the Deployment (+ ReplicaSet), StatefulSet or DaemonSet of a scenario workload. */
export function createWorkload(plane: ControlPlane, workload: ScenarioWorkload): CreatedWorkload {
  const template = templateOf(workload);
  const labels = podLabels(workload);
  const selector = { matchLabels: { ...labels } };
  const { namespace, name } = workload;
  if (workload.kind === "Deployment") {
    const deployment = plane.store.create(
      resourceTypes.deployments,
      workloadObject(
        plane,
        "Deployment",
        name,
        namespace,
        { replicas: workload.replicas ?? 1, selector, template, strategy: strategyOf(workload) },
        labels,
        undefined,
        workload.workloadAnnotations,
      ),
    );
    const hash = plane.names.text(10);
    const podTemplate: PodTemplate = {
      metadata: { ...template.metadata, labels: { ...labels, "pod-template-hash": hash } },
      spec: template.spec,
    };
    const replicaSet = plane.store.create(
      resourceTypes.replicaSets,
      workloadObject(
        plane,
        "ReplicaSet",
        `${name}-${hash}`,
        namespace,
        {
          replicas: workload.replicas ?? 1,
          selector: { matchLabels: { ...labels, "pod-template-hash": hash } },
          template: podTemplate,
        },
        { ...labels, "pod-template-hash": hash },
        deployment,
      ),
    );
    if (workload.autoscaler !== undefined) {
      plane.store.create(resourceTypes.horizontalPodAutoscalers, {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: { name, namespace, uid: plane.uid(), creationTimestamp: plane.timestamp() },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
          minReplicas: workload.autoscaler.minReplicas,
          maxReplicas: workload.autoscaler.maxReplicas,
          metrics: [
            {
              type: "Resource",
              resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
            },
          ],
        },
        status: { currentReplicas: workload.replicas ?? 1, desiredReplicas: workload.replicas ?? 1 },
      });
    }
    return { owner: replicaSet, template: podTemplate };
  }
  if (workload.kind === "StatefulSet") {
    const claim = claimTemplateName(workload);
    const volumes =
      workload.volumes === true || workload.volumes === undefined ? undefined : workload.volumes;
    const spec: Workload["spec"] = {
      replicas: workload.replicas ?? 1,
      serviceName: name,
      podManagementPolicy: "OrderedReady",
      selector,
      template,
    };
    if (claim) {
      spec.volumeClaimTemplates = [
        {
          metadata: { name: claim },
          spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName: volumes?.storageClass ?? "gp3",
            resources: { requests: { storage: `${volumes?.sizeGi ?? 10}Gi` } },
          },
        },
      ];
    }
    const statefulSet = plane.store.create(
      resourceTypes.statefulSets,
      workloadObject(
        plane,
        "StatefulSet",
        name,
        namespace,
        spec,
        labels,
        undefined,
        workload.workloadAnnotations,
      ),
    );
    return { owner: statefulSet, template };
  }
  if (workload.kind === "DaemonSet") {
    const daemonSet = plane.store.create(
      resourceTypes.daemonSets,
      workloadObject(
        plane,
        "DaemonSet",
        name,
        namespace,
        { selector, template },
        labels,
        undefined,
        workload.workloadAnnotations,
      ),
    );
    return { owner: daemonSet, template };
  }
  throw new Error(`workload ${namespace}/${name}: kind ${workload.kind} has no controller object`);
}
