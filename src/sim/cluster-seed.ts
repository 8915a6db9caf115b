import type { ControlPlane } from "./control-plane.js";
import { daemonFits, daemonPod } from "./daemon-set-controller.js";
import { annotationMirror, type Node, type Pod, type PodDisruptionBudget } from "./kube-objects.js";
import { nodeAddress } from "./kubelet.js";
import { nodeObject } from "./node-object.js";
import { runningStatus, terminatedStatus } from "./pod-state.js";
import { controllerReference, podFromTemplate, podLabels, templateOf } from "./pod-template.js";
import { replicaSetPod } from "./replica-set-controller.js";
import { resourceTypes } from "./resource-types.js";
import type { Scenario, ScenarioBudget, ScenarioWorkload } from "./scenario-schema.js";
import { claimNamesOf, misfit } from "./scheduling-rules.js";
import { statefulPod } from "./stateful-set-controller.js";
import { newAttachment, zoneLabel } from "./volume-objects.js";
import { createWorkload } from "./workload-objects.js";

/** Builds the scenario's cluster in the store: namespaces, nodes, workloads with running pods, budgets, volumes. */

const systemNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

function createNamespaces(plane: ControlPlane, scenario: Scenario): void {
  const declared = new Map(scenario.namespaces.map((namespace) => [namespace.name, namespace]));
  const names = new Set([
    ...systemNamespaces,
    ...declared.keys(),
    ...scenario.workloads.map((workload) => workload.namespace),
    ...scenario.budgets.map((budget) => budget.namespace),
  ]);
  for (const name of [...names].sort()) {
    const declaration = declared.get(name);
    const terminating = declaration?.terminating ?? false;
    plane.store.create(resourceTypes.namespaces, {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name,
        uid: plane.uid(),
        creationTimestamp: plane.timestamp(),
        labels: { "kubernetes.io/metadata.name": name, ...declaration?.labels },
        ...(terminating ? { deletionTimestamp: plane.timestamp() } : {}),
      },
      spec: { finalizers: ["kubernetes"] },
      status: { phase: terminating ? "Terminating" : "Active" },
    });
  }
}

/** The nodes the initial pods of a workload run on, one entry per pod. */
function placements(
  workload: ScenarioWorkload,
  count: number,
  nodes: readonly Node[],
): (string | undefined)[] {
  if (workload.node) return Array.from({ length: count }, () => workload.node);
  const pool = workload.nodes ?? nodes.map((node) => node.metadata.name);
  const template = templateOf(workload);
  const probe: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "probe" },
    spec: template.spec,
    status: {},
  };
  const usable = workload.nodes
    ? pool
    : pool.filter((name) => {
        const node = nodes.find((candidate) => candidate.metadata.name === name);
        return (
          node !== undefined && misfit({ pod: probe, node, podsOnNode: 0, volumeZones: [] }) === undefined
        );
      });
  return Array.from({ length: count }, (_, index) =>
    usable.length === 0 ? undefined : usable[index % usable.length],
  );
}

/** Gives a freshly built pod the status the scenario asks for (running and Ready, not ready, finished, pending). */
function settle(plane: ControlPlane, pod: Pod, workload: ScenarioWorkload, nodes: readonly Node[]): Pod {
  const nodeName = pod.spec.nodeName;
  if (!nodeName || workload.phase === "Pending") return pod;
  const node = nodes.find((candidate) => candidate.metadata.name === nodeName);
  const hostIP = nodeAddress(node);
  const podIP = `${hostIP.split(".").slice(0, 3).join(".")}.${10 + plane.names.below(240)}`;
  const hex = () => plane.names.text(64, "0123456789abcdef");
  pod.status = runningStatus(pod, plane.timestamp(), workload.ready, { hostIP, podIP }, hex);
  if (workload.phase === "Succeeded" || workload.phase === "Failed") {
    pod.status = terminatedStatus(pod, plane.timestamp(), workload.phase === "Failed");
  }
  return pod;
}

function createPods(plane: ControlPlane, workload: ScenarioWorkload, nodes: readonly Node[]): void {
  if (workload.kind === "Pod") {
    const count = workload.replicas ?? 1;
    const where = placements(workload, count, nodes);
    const template = templateOf(workload);
    for (let index = 0; index < count; index++) {
      const nodeName = where[index];
      const mirrorNode = workload.mirror ? nodes.find((node) => node.metadata.name === nodeName) : undefined;
      const name = mirrorNode
        ? `${workload.name}-${nodeName}`
        : count === 1
          ? workload.name
          : `${workload.name}-${index}`;
      const pod = podFromTemplate(plane, template, {
        namespace: workload.namespace,
        name,
        ...(nodeName ? { nodeName } : {}),
        ...(mirrorNode
          ? {
              owner: controllerReference(
                "v1",
                "Node",
                mirrorNode.metadata.name,
                mirrorNode.metadata.uid ?? "",
              ),
              extraAnnotations: {
                [annotationMirror]: plane.names.text(32, "0123456789abcdef"),
                "kubernetes.io/config.source": "file",
                "kubernetes.io/config.seen": plane.timestamp(),
              },
            }
          : {}),
      });
      plane.store.create(resourceTypes.pods, settle(plane, pod, workload, nodes));
    }
    return;
  }
  const created = createWorkload(plane, workload);
  const owner = created.owner.object;
  if (workload.kind === "DaemonSet") {
    for (const node of nodes) {
      if (!daemonFits(owner.spec.template, node)) continue;
      const pod = daemonPod(plane, owner, node.metadata.name);
      attachSeededVolumes(plane, pod, node.metadata.name);
      plane.store.create(resourceTypes.pods, settle(plane, pod, workload, nodes));
    }
    return;
  }
  const count = workload.replicas ?? 1;
  const where = placements(workload, count, nodes);
  for (let index = 0; index < count; index++) {
    const nodeName = where[index];
    let pod: Pod;
    if (workload.kind === "StatefulSet") {
      const node = nodes.find((candidate) => candidate.metadata.name === nodeName) ?? nodes[0];
      const zone = node?.metadata.labels?.[zoneLabel] ?? "us-west-2a";
      pod = statefulPod(plane, owner, index, zone, nodeName);
      if (nodeName) attachSeededVolumes(plane, pod, nodeName);
    } else {
      pod = replicaSetPod(plane, owner, nodeName);
    }
    plane.store.create(resourceTypes.pods, settle(plane, pod, workload, nodes));
  }
}

/** A pod of the initial cluster runs already: its volumes are attached to its node from the start. */
function attachSeededVolumes(plane: ControlPlane, pod: Pod, nodeName: string): void {
  for (const claimName of claimNamesOf(pod)) {
    const claim = plane.store.get(resourceTypes.persistentVolumeClaims, pod.metadata.namespace, claimName);
    const volumeName = (claim?.object.spec as { volumeName?: string } | undefined)?.volumeName;
    if (volumeName)
      plane.store.create(resourceTypes.volumeAttachments, newAttachment(plane, volumeName, nodeName, true));
  }
}

function budgetObject(
  plane: ControlPlane,
  namespace: string,
  name: string,
  spec: PodDisruptionBudget["spec"],
): PodDisruptionBudget {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name, namespace, uid: plane.uid(), generation: 1, creationTimestamp: plane.timestamp() },
    spec,
    status: {
      disruptionsAllowed: 0,
      currentHealthy: 0,
      desiredHealthy: 0,
      expectedPods: 0,
      observedGeneration: 0,
    },
  };
}

function rules(source: {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  unhealthyPodEvictionPolicy?: "IfHealthyBudget" | "AlwaysAllow";
}) {
  const spec: Omit<PodDisruptionBudget["spec"], "selector"> = {};
  if (source.minAvailable !== undefined) spec.minAvailable = source.minAvailable;
  if (source.maxUnavailable !== undefined) spec.maxUnavailable = source.maxUnavailable;
  if (source.unhealthyPodEvictionPolicy) spec.unhealthyPodEvictionPolicy = source.unhealthyPodEvictionPolicy;
  return spec;
}

/** Creates a workload's budget (if any) and its objects and pods, bound as its placement says. */
export function seedWorkload(plane: ControlPlane, workload: ScenarioWorkload): void {
  if (workload.pdb) {
    const spec = { selector: { matchLabels: podLabels(workload) }, ...rules(workload.pdb) };
    plane.store.create(
      resourceTypes.podDisruptionBudgets,
      budgetObject(plane, workload.namespace, workload.pdb.name ?? workload.name, spec),
    );
  }
  ensureNamespace(plane, workload.namespace);
  const nodes = plane.store.list(resourceTypes.nodes).map((stored) => stored.object as Node);
  createPods(plane, workload, nodes);
}

/** Creates a scenario budget. */
export function seedBudget(plane: ControlPlane, budget: ScenarioBudget): void {
  ensureNamespace(plane, budget.namespace);
  const selector = budget.labels ? { matchLabels: budget.labels } : (budget.selector ?? {});
  plane.store.create(
    resourceTypes.podDisruptionBudgets,
    budgetObject(plane, budget.namespace, budget.name, { selector, ...rules(budget) }),
  );
}

function ensureNamespace(plane: ControlPlane, name: string): void {
  if (plane.store.get(resourceTypes.namespaces, undefined, name)) return;
  plane.store.create(resourceTypes.namespaces, {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      uid: plane.uid(),
      creationTimestamp: plane.timestamp(),
      labels: { "kubernetes.io/metadata.name": name },
    },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  });
}

/** Creates everything the scenario describes. Budget statuses are left for the disruption controller. */
export function seedCluster(plane: ControlPlane, scenario: Scenario): void {
  createNamespaces(plane, scenario);
  scenario.nodes.forEach((node, index) => {
    if (node.joined) plane.store.create(resourceTypes.nodes, nodeObject(plane, node, index));
  });
  for (const budget of scenario.budgets) seedBudget(plane, budget);
  for (const workload of scenario.workloads) seedWorkload(plane, workload);
}
