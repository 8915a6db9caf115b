import { createHash } from "node:crypto";
import type { ControlPlane } from "./control-plane.js";
import type { Pod, PodTemplate, Workload } from "./kube-objects.js";
import type { StoredObject } from "./object-store.js";
import type { PodIndex } from "./pod-index.js";
import { isReady, isTerminal, isTerminating } from "./pod-state.js";
import { controllerReference } from "./pod-template.js";
import { resourceTypes } from "./resource-types.js";
import {
  fenceposts,
  type IntOrPercent,
  newSetReplicas,
  oldSetsScaleDown,
  type SetCount,
} from "./rolling-update.js";
import type { Reconciler } from "./timer-set.js";

const deployments = resourceTypes.deployments;
const replicaSets = resourceTypes.replicaSets;
export const POD_TEMPLATE_HASH = "pod-template-hash";
const HASH_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

interface Strategy {
  type?: "RollingUpdate" | "Recreate";
  rollingUpdate?: { maxSurge?: IntOrPercent; maxUnavailable?: IntOrPercent };
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function withoutHash(template: PodTemplate): string {
  const { [POD_TEMPLATE_HASH]: _hash, ...labels } = template.metadata?.labels ?? {};
  return canonical({ ...template, metadata: { ...template.metadata, labels } });
}

/** A stable pod-template-hash of a template (the real controller hashes it with FNV). */
export function templateHash(template: PodTemplate): string {
  const digest = createHash("sha256").update(withoutHash(template)).digest();
  return Array.from(digest.subarray(0, 10), (byte) => HASH_ALPHABET[byte % HASH_ALPHABET.length]).join("");
}

const active = (pod: Pod) => !isTerminating(pod) && !isTerminal(pod);

/**
 * The Deployment controller: the ReplicaSet whose template equals the Deployment's (pod-template-hash
 * aside) is the new one, created when missing; a change of `replicas` scales it; a template change rolls
 * out under the strategy (RollingUpdate within maxSurge / maxUnavailable, Recreate: old pods gone first);
 * status counts the pods. After https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/deployment/sync.go,
 * rolling.go and recreate.go in the same folder. Proportional scaling of several active ReplicaSets
 * during a rollout is not modelled: a scale mid-rollout goes through the rolling arithmetic.
 */
export class DeploymentController {
  private readonly reconciler: Reconciler;

  constructor(
    private readonly plane: ControlPlane,
    private readonly pods: PodIndex,
  ) {
    this.reconciler = plane.controllerQueue((key) => this.sync(key));
    plane.store.subscribe((change) => {
      const object = change.current.object;
      if (change.current.type === deployments) {
        this.reconciler.request(change.current.key);
        return;
      }
      if (change.current.type !== replicaSets && change.current.type !== resourceTypes.pods) return;
      const owner = object.metadata.ownerReferences?.find((reference) => reference.controller);
      if (owner === undefined) return;
      const namespace = object.metadata.namespace ?? "";
      if (change.current.type === replicaSets) {
        if (owner.kind === "Deployment") this.reconciler.request(`${namespace}/${owner.name}`);
        return;
      }
      if (owner.kind !== "ReplicaSet") return;
      const set = plane.store.get(replicaSets, namespace, owner.name);
      const deployment = set?.object.metadata.ownerReferences?.find((reference) => reference.controller);
      if (deployment?.kind === "Deployment") this.reconciler.request(`${namespace}/${deployment.name}`);
    });
  }

  private sync(key: string): void {
    const [namespace = "", name = ""] = key.split("/");
    const stored = this.plane.store.get(deployments, namespace, name) as StoredObject<Workload> | undefined;
    if (stored === undefined) return;
    const deployment = stored.object;
    const uid = deployment.metadata.uid ?? "";
    const owned = (this.plane.store.list(replicaSets, namespace) as StoredObject<Workload>[])
      .filter((set) =>
        set.object.metadata.ownerReferences?.some((owner) => owner.controller && owner.uid === uid),
      )
      .sort((a, b) =>
        (a.object.metadata.creationTimestamp ?? "").localeCompare(b.object.metadata.creationTimestamp ?? ""),
      );
    const wanted = withoutHash(deployment.spec.template);
    let newSet = owned.find((set) => withoutHash(set.object.spec.template) === wanted);
    const oldSets = owned.filter((set) => set !== newSet);
    const replicas = deployment.spec.replicas ?? 1;
    const strategy = (deployment.spec.strategy ?? {}) as Strategy;
    const { surge, unavailable } = fenceposts(
      replicas,
      strategy.rollingUpdate?.maxSurge,
      strategy.rollingUpdate?.maxUnavailable,
    );
    const count = (set: StoredObject<Workload>): SetCount => ({
      replicas: set.object.spec.replicas ?? 0,
      available: this.podsOf(set).filter((pod) => active(pod) && isReady(pod)).length,
    });
    const oldReplicas = oldSets.reduce((sum, set) => sum + (set.object.spec.replicas ?? 0), 0);

    const oldPodsLeft = oldSets.some((set) => this.podsOf(set).some((pod) => !isTerminal(pod)));
    const recreating = strategy.type === "Recreate" && (oldReplicas > 0 || oldPodsLeft);
    if (newSet === undefined) {
      const first = recreating ? 0 : newSetReplicas(replicas, surge, 0, oldReplicas);
      newSet = this.createSet(stored, first);
    } else if (recreating) {
      // Recreate: every old pod is gone before the new ReplicaSet grows.
      for (const set of oldSets) this.scaleSet(set, 0);
    } else if (deployment.spec.paused === true || oldReplicas === 0) {
      // A scaling event (or a paused Deployment): the new ReplicaSet follows `replicas`.
      this.scaleSet(newSet, replicas);
    } else {
      const current = newSet.object.spec.replicas ?? 0;
      const next =
        current > replicas ? replicas : newSetReplicas(replicas, surge, current, current + oldReplicas);
      if (next !== current) this.scaleSet(newSet, next);
      else {
        const cuts = oldSetsScaleDown(replicas, unavailable, count(newSet), oldSets.map(count));
        oldSets.forEach((set, index) => {
          const cut = cuts[index] ?? 0;
          if (cut > 0) this.scaleSet(set, (set.object.spec.replicas ?? 0) - cut);
        });
      }
    }
    this.writeStatus(stored, newSet, [...oldSets, newSet]);
  }

  private podsOf(set: StoredObject<Workload>): Pod[] {
    return this.pods.ownedBy(set.object.metadata.uid ?? "").map((pod) => pod.object);
  }

  private scaleSet(set: StoredObject<Workload>, replicas: number): void {
    if ((set.object.spec.replicas ?? 0) === replicas) return;
    this.plane.store.update(set, (draft) => {
      draft.spec.replicas = replicas;
      draft.metadata.generation = (draft.metadata.generation ?? 1) + 1;
    });
  }

  private createSet(deployment: StoredObject<Workload>, replicas: number): StoredObject<Workload> {
    const { name = "", namespace = "", uid = "" } = deployment.object.metadata;
    const template = deployment.object.spec.template;
    const hash = templateHash(template);
    const labels = { ...template.metadata?.labels, [POD_TEMPLATE_HASH]: hash };
    const selector = deployment.object.spec.selector;
    return this.plane.store.create(replicaSets, {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: `${name}-${hash}`,
        namespace,
        uid: this.plane.uid(),
        generation: 1,
        creationTimestamp: this.plane.timestamp(),
        labels,
        ownerReferences: [controllerReference("apps/v1", "Deployment", name, uid)],
      },
      spec: {
        replicas,
        selector: { ...selector, matchLabels: { ...selector.matchLabels, [POD_TEMPLATE_HASH]: hash } },
        template: { ...template, metadata: { ...template.metadata, labels } },
      },
    } as Workload);
  }

  private writeStatus(
    deployment: StoredObject<Workload>,
    newSet: StoredObject<Workload>,
    sets: readonly StoredObject<Workload>[],
  ): void {
    const current = this.plane.store.get(
      deployments,
      deployment.object.metadata.namespace,
      deployment.object.metadata.name,
    ) as StoredObject<Workload> | undefined;
    if (current === undefined) return;
    const pods = sets.flatMap((set) => this.podsOf(set)).filter(active);
    const ready = pods.filter(isReady).length;
    const status = {
      observedGeneration: current.object.metadata.generation ?? 1,
      replicas: pods.length,
      updatedReplicas: this.podsOf(newSet).filter(active).length,
      readyReplicas: ready,
      availableReplicas: ready,
      unavailableReplicas: Math.max(0, (current.object.spec.replicas ?? 1) - ready),
    };
    if (canonical(status) === canonical(current.object.status ?? {})) return;
    this.plane.store.update(current, (draft) => {
      draft.status = status;
    });
  }
}
