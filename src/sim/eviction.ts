import * as z from "zod";
import { evictionBudgetSelects } from "../labels/label-selector.js";
import {
  ApiError,
  badRequest,
  conflict,
  forbidden,
  notFound,
  type Status,
  statusBody,
  tooManyRequests,
} from "./api-status.js";
import { disruptionAllowedCondition } from "./budget-status.js";
import type { BudgetTracker } from "./budget-tracker.js";
import type { ControlPlane } from "./control-plane.js";
import type { Pod, PodDisruptionBudget } from "./kube-objects.js";
import { admitCreate } from "./namespace-admission.js";
import type { StoredObject } from "./object-store.js";
import { type DeleteOptions, deletePod } from "./pod-deletion.js";
import { isReady, isTerminal, isTerminating, setCondition } from "./pod-state.js";
import type { RefusalCause } from "./recorder.js";
import { resourceTypes } from "./resource-types.js";

/** The eviction subresource refuses when this many evictions wait for the disruption controller. */
export const maxDisruptedPods = 2000;

export const multipleBudgetsMessage =
  "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";

const evictionSchema = z.looseObject({
  apiVersion: z.enum(["policy/v1", "policy/v1beta1"]).optional(),
  kind: z.literal("Eviction").optional(),
  metadata: z.looseObject({ name: z.string().optional(), namespace: z.string().optional() }).optional(),
  deleteOptions: z
    .looseObject({
      gracePeriodSeconds: z.number().int().optional(),
      preconditions: z
        .looseObject({ uid: z.string().optional(), resourceVersion: z.string().optional() })
        .optional(),
      dryRun: z.array(z.string()).optional(),
    })
    .optional(),
});

/** A refusal the recorder classifies (429s carry their cause). */
export class EvictionRefusal extends ApiError {
  constructor(
    error: ApiError,
    readonly refusal: RefusalCause,
  ) {
    super(error.status, error.headers);
  }
}

export interface EvictionContext {
  readonly plane: ControlPlane;
  readonly budgets: BudgetTracker;
  /** Told of each pod an eviction deleted (the node-deletion fault counts them). */
  readonly afterEviction: (pod: Pod) => void;
}

function parseEviction(body: unknown): z.infer<typeof evictionSchema> {
  const parsed = evictionSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(
      `Eviction in version "v1" cannot be handled as a Eviction: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}

function canIgnoreBudget(pod: Pod): boolean {
  return isTerminal(pod) || pod.status.phase === "Pending" || isTerminating(pod);
}

function budgetStillProcessing(name: string): EvictionRefusal {
  return new EvictionRefusal(
    tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 10, [
      {
        reason: "DisruptionBudget",
        message: `The disruption budget ${name} is still being processed by the server.`,
      },
    ]),
    "BudgetNotObserved",
  );
}

/** checkAndDecrement: refuse, or spend one disruption and note the pod in disruptedPods in one status write. */
function checkAndDecrement(
  plane: ControlPlane,
  stored: StoredObject<PodDisruptionBudget>,
  podName: string,
  dryRun: boolean,
) {
  const budget = stored.object;
  const status = budget.status;
  const name = budget.metadata.name;
  if (!status || (status.observedGeneration ?? 0) < (budget.metadata.generation ?? 1))
    throw budgetStillProcessing(name);
  if (status.disruptionsAllowed < 0) {
    throw forbidden("poddisruptionbudgets", "policy", name, "pdb disruptions allowed is negative");
  }
  if (Object.keys(status.disruptedPods ?? {}).length > maxDisruptedPods) {
    throw forbidden(
      "poddisruptionbudgets",
      "policy",
      name,
      "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
    );
  }
  if (status.disruptionsAllowed === 0) {
    throw new EvictionRefusal(
      tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 0, [
        {
          reason: "DisruptionBudget",
          message: `The disruption budget ${name} needs ${status.desiredHealthy} healthy pods and has ${status.currentHealthy} currently`,
        },
      ]),
      "DisruptionBudget",
    );
  }
  if (dryRun) return;
  plane.store.update(stored, (draft) => {
    const next = draft.status;
    if (!next) return;
    next.disruptionsAllowed -= 1;
    if (next.disruptionsAllowed === 0) {
      const previous = next.conditions?.find((condition) => condition.type === "DisruptionAllowed");
      next.conditions = [
        ...(next.conditions ?? []).filter((condition) => condition.type !== "DisruptionAllowed"),
        disruptionAllowedCondition(next, previous, plane.timestamp()),
      ];
    }
    next.disruptedPods = { ...next.disruptedPods, [podName]: plane.timestamp() };
  });
}

/** Adds DisruptionTarget=True to the latest pod (checking the preconditions on it), then deletes it. */
function addConditionAndDelete(
  context: EvictionContext,
  namespace: string,
  name: string,
  options: DeleteOptions,
): void {
  const { plane } = context;
  const latest = plane.store.get(resourceTypes.pods, namespace, name) as StoredObject<Pod> | undefined;
  if (!latest) throw notFound("pods", "", name);
  const { uid, resourceVersion } = options.preconditions ?? {};
  if (uid && uid !== latest.object.metadata.uid) {
    throw conflict(
      "Pod",
      "",
      name,
      `the UID in the precondition (${uid}) does not match the UID in record (${latest.object.metadata.uid}). The object might have been deleted and then recreated`,
    );
  }
  if (resourceVersion && resourceVersion !== latest.object.metadata.resourceVersion) {
    throw conflict(
      "Pod",
      "",
      name,
      `the ResourceVersion in the precondition (${resourceVersion}) does not match the ResourceVersion in record (${latest.object.metadata.resourceVersion}). The object might have been modified`,
    );
  }
  if (options.dryRun) return;
  const marked = plane.store.update(latest, (draft) => {
    draft.status.conditions = setCondition(draft.status.conditions, {
      type: "DisruptionTarget",
      status: "True",
      reason: "EvictionByEvictionAPI",
      message: "Eviction API: evicting",
      lastProbeTime: null,
      lastTransitionTime: plane.timestamp(),
    });
  });
  const withoutPreconditions: DeleteOptions = { ...options, preconditions: {} };
  const outcome = deletePod(plane, context.budgets, marked, withoutPreconditions, "eviction");
  context.afterEviction(outcome.pod.object);
}

/**
 * POST pods/NAME/eviction, decided as the API server's eviction subresource decides it. Returns the
 * Status Success (HTTP 201) or the multi-budget Status (HTTP 500); throws every other refusal.
 */
export function evict(
  context: EvictionContext,
  namespace: string,
  urlName: string,
  body: unknown,
  queryDryRun: boolean,
): Status {
  const eviction = parseEviction(body);
  if (eviction.metadata?.namespace && eviction.metadata.namespace !== namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  const { plane } = context;
  // Admission (NamespaceLifecycle) runs before the subresource's own checks.
  admitCreate(plane.store, namespace, "pods", "", urlName);
  if (eviction.metadata?.name !== urlName) {
    throw badRequest("name in URL does not match name in Eviction object");
  }
  const raw = eviction.deleteOptions;
  const options: DeleteOptions = {
    dryRun: queryDryRun || (raw?.dryRun?.includes("All") ?? false),
  };
  if (raw?.gracePeriodSeconds !== undefined) options.gracePeriodSeconds = raw.gracePeriodSeconds;
  if (raw?.preconditions) {
    options.preconditions = {};
    if (raw.preconditions.uid) options.preconditions.uid = raw.preconditions.uid;
    if (raw.preconditions.resourceVersion)
      options.preconditions.resourceVersion = raw.preconditions.resourceVersion;
  }

  const stored = plane.store.get(resourceTypes.pods, namespace, urlName) as StoredObject<Pod> | undefined;
  if (!stored) throw notFound("pods", "", urlName);
  const pod = stored.object;
  const success = statusBody(201, undefined);

  if (canIgnoreBudget(pod)) {
    addConditionAndDelete(context, namespace, urlName, options);
    return success;
  }

  // A budget with a nil, empty or invalid selector covers no pod here (getPodDisruptionBudgets):
  // https://github.com/kubernetes/kubernetes/blob/01aa0f3f6052c9866dcb69054d8924fa8c96e3cb/pkg/registry/core/pod/storage/eviction.go#L385-L393
  const matching = plane.store
    .list(resourceTypes.podDisruptionBudgets, namespace)
    .filter((budget) =>
      evictionBudgetSelects((budget.object as PodDisruptionBudget).spec.selector, pod.metadata.labels),
    );
  if (matching.length > 1) return statusBody(500, multipleBudgetsMessage);
  const only = matching[0] as StoredObject<PodDisruptionBudget> | undefined;
  if (only) {
    const budget = only.object;
    const status = budget.status;
    let spend = true;
    if (!isReady(pod)) {
      if (budget.spec.unhealthyPodEvictionPolicy === "AlwaysAllow") spend = false;
      else if (status && status.currentHealthy >= status.desiredHealthy && status.desiredHealthy > 0)
        spend = false;
    }
    if (spend) checkAndDecrement(plane, only, urlName, options.dryRun ?? false);
  }
  addConditionAndDelete(context, namespace, urlName, options);
  return success;
}
