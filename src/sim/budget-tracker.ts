import { budgetStatusSelects } from "../labels/label-selector.js";
import { type BudgetSelection, controllerKey, controllerOf } from "./budget-status.js";
import type { ControlPlane } from "./control-plane.js";
import type { OwnerReference, Pod, PodDisruptionBudget } from "./kube-objects.js";
import { objectKey, type StoredObject } from "./object-store.js";
import { isHealthy } from "./pod-state.js";
import type { DisruptionCause } from "./recorder.js";
import { resourceTypes } from "./resource-types.js";

const podsType = resourceTypes.pods;
const budgetsType = resourceTypes.podDisruptionBudgets;

/** The healthy-pod goal of a budget; computed by the disruption controller's rules. */
export type DesiredHealthy = (budget: PodDisruptionBudget, selection: BudgetSelection) => number;

/** A controller of some of a budget's pods, with those pods' names. */
interface Controlled {
  owner: OwnerReference;
  namespace: string;
  podNames: Set<string>;
}

/**
 * Which pods each budget selects, kept in step with the store; and the watchman that records a violation
 * whenever a voluntary disruption leaves a budget with fewer healthy pods than it desires.
 */
export class BudgetTracker {
  /** The pods each budget selects, as stored now (kept in step by the store's listener). */
  private readonly podsOfBudget = new Map<string, Map<string, StoredObject<Pod>>>();
  /** How many of each budget's pods are healthy now (Ready, not deleting): kept as pods change. */
  private readonly healthyOfBudget = new Map<string, number>();
  /**
   * The controllers of each budget's pods, by controller key, kept as pods come and go: the watchman reads
   * the expected count at every disruption, and a budget's pods (hundreds) mostly share one controller.
   */
  private readonly controllersOfBudget = new Map<string, Map<string, Controlled>>();
  private readonly budgetsOfPod = new Map<string, Set<string>>();
  private readonly listeners = new Set<(budgetKey: string) => void>();

  constructor(
    private readonly plane: ControlPlane,
    private readonly desiredHealthy: DesiredHealthy,
  ) {
    plane.store.subscribe((change) => {
      if (change.current.type === podsType) {
        const pod = change.current.object as Pod;
        const key = change.current.key;
        const before = new Set(this.budgetsOfPod.get(key) ?? []);
        if (change.type === "DELETED") this.forgetPod(key);
        else this.placePod(change.current as StoredObject<Pod>, pod);
        for (const budgetKey of new Set([...before, ...(this.budgetsOfPod.get(key) ?? [])]))
          this.notify(budgetKey);
      } else if (change.current.type === budgetsType) {
        const key = change.current.key;
        const budget = change.current.object as PodDisruptionBudget;
        const previous = change.previous?.object as PodDisruptionBudget | undefined;
        if (change.type === "DELETED") this.forgetBudget(key);
        // Most writes are of the status (every eviction, every recount): the pods it selects stay the same.
        else if (previous === undefined || !sameSelector(previous, budget)) this.placeBudget(key, budget);
        this.notify(key);
      }
    });
  }

  /** Called with a budget's key whenever one of its pods (or the budget itself) changed. */
  onBudgetTouched(listener: (budgetKey: string) => void): void {
    this.listeners.add(listener);
  }

  /** Pods the budget selects now. */
  podsOf(budgetKey: string): StoredObject<Pod>[] {
    return [...(this.podsOfBudget.get(budgetKey)?.values() ?? [])];
  }

  /** Keys (namespace/name) of the budgets that select the pod. */
  budgetsOf(podKey: string): string[] {
    return [...(this.budgetsOfPod.get(podKey) ?? [])];
  }

  /**
   * Records a violation for each of `budgetKeys` (the pod's budgets, taken before the change) left below its
   * desired healthy count. Call after the pod was marked for deletion or removed, when it was healthy before.
   */
  checkDisruption(pod: Pod, budgetKeys: readonly string[], cause: DisruptionCause): void {
    const podKey = objectKey(pod.metadata.namespace, pod.metadata.name);
    for (const budgetKey of budgetKeys) {
      const [namespace = "", name = ""] = budgetKey.split("/");
      const budget = this.plane.store.get(budgetsType, namespace, name)?.object as
        | PodDisruptionBudget
        | undefined;
      if (!budget) continue;
      const healthy = this.healthyOfBudget.get(budgetKey) ?? 0;
      const desired = this.desiredHealthy(budget, this.selectionOf(budgetKey));
      if (healthy < desired) {
        this.plane.recorder.recordViolation({
          at: this.plane.clock.now(),
          budget: budgetKey,
          pod: podKey,
          podUid: pod.metadata.uid ?? "",
          healthy,
          desiredHealthy: desired,
          cause,
        });
      }
    }
  }

  private selectionOf(budgetKey: string): BudgetSelection {
    const controllers = [...(this.controllersOfBudget.get(budgetKey)?.values() ?? [])].map(
      ({ owner, namespace, podNames }) => ({
        owner,
        namespace,
        podName: podNames.values().next().value ?? "",
      }),
    );
    return { podCount: this.podsOfBudget.get(budgetKey)?.size ?? 0, controllers };
  }

  /** Counts the pod under its controller among the budget's controllers (an unmanaged pod has none). */
  private addControlled(budgetKey: string, pod: Pod): void {
    const owner = controllerOf(pod);
    if (!owner) return;
    const namespace = pod.metadata.namespace ?? "";
    const key = controllerKey(owner, namespace);
    let controllers = this.controllersOfBudget.get(budgetKey);
    if (!controllers) {
      controllers = new Map();
      this.controllersOfBudget.set(budgetKey, controllers);
    }
    let controlled = controllers.get(key);
    if (!controlled) {
      controlled = { owner, namespace, podNames: new Set() };
      controllers.set(key, controlled);
    }
    controlled.podNames.add(pod.metadata.name);
  }

  /** Takes the pod from its controller's count; a controller with no pod of the budget left is dropped. */
  private removeControlled(budgetKey: string, pod: Pod): void {
    const owner = controllerOf(pod);
    if (!owner) return;
    const controllers = this.controllersOfBudget.get(budgetKey);
    const key = controllerKey(owner, pod.metadata.namespace ?? "");
    const controlled = controllers?.get(key);
    controlled?.podNames.delete(pod.metadata.name);
    if (controlled?.podNames.size === 0) controllers?.delete(key);
  }

  private notify(budgetKey: string): void {
    for (const listener of this.listeners) listener(budgetKey);
  }

  private placePod(stored: StoredObject<Pod>, pod: Pod): void {
    this.forgetPod(stored.key);
    for (const budget of this.plane.store.list(budgetsType, pod.metadata.namespace)) {
      const selector = (budget.object as PodDisruptionBudget).spec.selector;
      if (budgetStatusSelects(selector, pod.metadata.labels)) this.link(budget.key, stored);
    }
  }

  private placeBudget(budgetKey: string, budget: PodDisruptionBudget): void {
    this.forgetBudget(budgetKey);
    for (const stored of this.plane.store.list(podsType, budget.metadata.namespace)) {
      const pod = stored.object as Pod;
      if (budgetStatusSelects(budget.spec.selector, pod.metadata.labels))
        this.link(budgetKey, stored as StoredObject<Pod>);
    }
  }

  private link(budgetKey: string, stored: StoredObject<Pod>): void {
    const podKey = stored.key;
    let pods = this.podsOfBudget.get(budgetKey);
    if (!pods) {
      pods = new Map();
      this.podsOfBudget.set(budgetKey, pods);
    }
    pods.set(podKey, stored);
    this.addControlled(budgetKey, stored.object);
    if (isHealthy(stored.object))
      this.healthyOfBudget.set(budgetKey, (this.healthyOfBudget.get(budgetKey) ?? 0) + 1);
    let budgets = this.budgetsOfPod.get(podKey);
    if (!budgets) {
      budgets = new Set();
      this.budgetsOfPod.set(podKey, budgets);
    }
    budgets.add(budgetKey);
  }

  private forgetPod(podKey: string): void {
    for (const budgetKey of this.budgetsOfPod.get(podKey) ?? []) {
      const pods = this.podsOfBudget.get(budgetKey);
      const stored = pods?.get(podKey);
      if (pods === undefined || stored === undefined) continue;
      pods.delete(podKey);
      this.removeControlled(budgetKey, stored.object);
      if (isHealthy(stored.object))
        this.healthyOfBudget.set(budgetKey, (this.healthyOfBudget.get(budgetKey) ?? 1) - 1);
    }
    this.budgetsOfPod.delete(podKey);
  }

  private forgetBudget(budgetKey: string): void {
    for (const podKey of this.podsOfBudget.get(budgetKey)?.keys() ?? [])
      this.budgetsOfPod.get(podKey)?.delete(budgetKey);
    this.podsOfBudget.delete(budgetKey);
    this.healthyOfBudget.delete(budgetKey);
    this.controllersOfBudget.delete(budgetKey);
  }
}

function sameSelector(a: PodDisruptionBudget, b: PodDisruptionBudget): boolean {
  return JSON.stringify(a.spec.selector ?? null) === JSON.stringify(b.spec.selector ?? null);
}
