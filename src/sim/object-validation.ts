import { LabelSelectorError, parseLabelSelector } from "../labels/label-selector.js";
import type { FieldProblem } from "./api-status.js";
import type { KubeObject } from "./kube-objects.js";
import { type ResourceType, resourceTypes } from "./resource-types.js";

/** The server-side validation of written objects, for the fields the simulation relies on. */

const taintEffects = new Set(["NoSchedule", "PreferNoSchedule", "NoExecute"]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkStringMap(problems: FieldProblem[], field: string, value: unknown, labels: boolean): void {
  if (value === undefined) return;
  if (!isRecord(value)) {
    problems.push({ field, value, detail: "must be a map of strings" });
    return;
  }
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== "string") {
      problems.push({ field: `${field}[${key}]`, value: entry, detail: "must be a string" });
      continue;
    }
    if (labels) {
      try {
        parseLabelSelector(`${key}=${entry}`);
      } catch (error) {
        if (!(error instanceof LabelSelectorError)) throw error;
        problems.push({
          field: `${field}[${key}]`,
          value: entry,
          detail: "a valid label must be a qualified key and a value of at most 63 characters",
        });
      }
    }
  }
}

function checkIntOrPercent(problems: FieldProblem[], field: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return;
  if (typeof value === "string" && /^\d+%$/.test(value)) return;
  problems.push({ field, value, detail: "must be a non-negative integer or a percentage" });
}

function validateNode(node: KubeObject, problems: FieldProblem[]): void {
  const spec = node.spec;
  if (spec === undefined) return;
  if (!isRecord(spec)) {
    problems.push({ field: "spec", value: spec, detail: "must be an object" });
    return;
  }
  if (spec.unschedulable !== undefined && typeof spec.unschedulable !== "boolean") {
    problems.push({ field: "spec.unschedulable", value: spec.unschedulable, detail: "must be a boolean" });
  }
  if (spec.taints === undefined) return;
  if (!Array.isArray(spec.taints)) {
    problems.push({ field: "spec.taints", value: spec.taints, detail: "must be a list" });
    return;
  }
  const seen = new Set<string>();
  spec.taints.forEach((taint: unknown, index) => {
    const at = `spec.taints[${index}]`;
    if (!isRecord(taint)) {
      problems.push({ field: at, value: taint, detail: "must be an object" });
      return;
    }
    if (typeof taint.key !== "string" || taint.key === "")
      problems.push({ field: `${at}.key`, kind: "required", detail: "" });
    if (typeof taint.effect !== "string" || !taintEffects.has(taint.effect)) {
      problems.push({
        field: `${at}.effect`,
        kind: "required",
        detail: "one of NoSchedule, PreferNoSchedule, NoExecute",
      });
    }
    if (taint.value !== undefined && typeof taint.value !== "string") {
      problems.push({ field: `${at}.value`, value: taint.value, detail: "must be a string" });
    }
    const identity = `${String(taint.key)}:${String(taint.effect)}`;
    if (seen.has(identity)) {
      problems.push({ field: at, value: identity, detail: "taints must be unique by key and effect pair" });
    }
    seen.add(identity);
  });
}

function validateBudget(budget: KubeObject, problems: FieldProblem[]): void {
  const spec = budget.spec;
  if (!isRecord(spec)) {
    problems.push({ field: "spec", kind: "required", detail: "" });
    return;
  }
  if (spec.minAvailable !== undefined && spec.maxUnavailable !== undefined) {
    problems.push({
      field: "spec",
      value: spec,
      detail: "minAvailable and maxUnavailable cannot be both set",
    });
  }
  checkIntOrPercent(problems, "spec.minAvailable", spec.minAvailable);
  checkIntOrPercent(problems, "spec.maxUnavailable", spec.maxUnavailable);
  if (spec.selector !== undefined && !isRecord(spec.selector)) {
    problems.push({ field: "spec.selector", value: spec.selector, detail: "must be a label selector" });
  }
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && policy !== "IfHealthyBudget" && policy !== "AlwaysAllow") {
    problems.push({
      field: "spec.unhealthyPodEvictionPolicy",
      value: policy,
      detail: 'supported values: "AlwaysAllow", "IfHealthyBudget"',
    });
  }
}

/** The namespace rule for events: about a cluster-scoped object they live in `default`; else in its namespace. */
function validateEvent(
  event: KubeObject,
  problems: FieldProblem[],
  field: "involvedObject" | "regarding",
): void {
  const reference = event[field];
  if (!isRecord(reference)) {
    problems.push({ field, kind: "required", detail: "" });
    return;
  }
  const objectNamespace = typeof reference.namespace === "string" ? reference.namespace : "";
  const eventNamespace = event.metadata.namespace ?? "";
  const fits =
    objectNamespace === ""
      ? eventNamespace === "" || eventNamespace === "default"
      : objectNamespace === eventNamespace;
  if (!fits) {
    problems.push({
      field: `${field}.namespace`,
      value: objectNamespace,
      detail: "does not match event.namespace",
    });
  }
}

function validateEventsV1(event: KubeObject, problems: FieldProblem[]): void {
  validateEvent(event, problems, "regarding");
  for (const field of ["eventTime", "reportingController", "reportingInstance", "action", "reason"]) {
    if (event[field] === undefined || event[field] === "")
      problems.push({ field, kind: "required", detail: "" });
  }
}

/** apps/v1 ValidateDeploymentSpec's checks of the fields the simulation acts on. */
function validateDeployment(deployment: KubeObject, problems: FieldProblem[]): void {
  const spec = isRecord(deployment.spec) ? deployment.spec : {};
  const replicas = spec.replicas;
  if (replicas !== undefined && (!Number.isInteger(replicas) || (replicas as number) < 0)) {
    problems.push({ field: "spec.replicas", value: replicas, detail: "must be greater than or equal to 0" });
  }
  const strategy = isRecord(spec.strategy) ? spec.strategy : {};
  const type = strategy.type;
  if (type !== undefined && type !== "RollingUpdate" && type !== "Recreate") {
    problems.push({
      field: "spec.strategy.type",
      value: type,
      detail: 'supported values: "Recreate", "RollingUpdate"',
    });
  }
  const rolling = isRecord(strategy.rollingUpdate) ? strategy.rollingUpdate : {};
  checkIntOrPercent(problems, "spec.strategy.rollingUpdate.maxSurge", rolling.maxSurge);
  checkIntOrPercent(problems, "spec.strategy.rollingUpdate.maxUnavailable", rolling.maxUnavailable);
}

/** Problems with an object about to be stored (created or updated). */
export function validateObject(type: ResourceType, object: KubeObject): FieldProblem[] {
  const problems: FieldProblem[] = [];
  checkStringMap(problems, "metadata.labels", object.metadata.labels, true);
  checkStringMap(problems, "metadata.annotations", object.metadata.annotations, false);
  if (type === resourceTypes.nodes) validateNode(object, problems);
  else if (type === resourceTypes.podDisruptionBudgets) validateBudget(object, problems);
  else if (type === resourceTypes.events) validateEvent(object, problems, "involvedObject");
  else if (type === resourceTypes.eventsV1) validateEventsV1(object, problems);
  else if (type === resourceTypes.deployments) validateDeployment(object, problems);
  else if (type === resourceTypes.pods) {
    const containers = (object.spec as { containers?: unknown } | undefined)?.containers;
    if (!Array.isArray(containers) || containers.length === 0) {
      problems.push({ field: "spec.containers", kind: "required", detail: "" });
    }
  }
  return problems;
}

/** Pod spec fields an update may change; anything else is forbidden, as for a real pod. */
export function podSpecUpdateProblems(before: unknown, after: unknown): FieldProblem[] {
  const strip = (spec: unknown) => {
    if (!isRecord(spec)) return spec;
    const { tolerations: _tolerations, activeDeadlineSeconds: _deadline, ...rest } = spec;
    const containers = Array.isArray(rest.containers)
      ? rest.containers.map((container: unknown) =>
          isRecord(container) ? { ...container, image: undefined } : container,
        )
      : rest.containers;
    return { ...rest, containers };
  };
  if (JSON.stringify(strip(before)) === JSON.stringify(strip(after))) return [];
  return [
    {
      field: "spec",
      kind: "forbidden",
      detail:
        "pod updates may not change fields other than `spec.containers[*].image`, `spec.activeDeadlineSeconds` or `spec.tolerations` (only additions to existing tolerations)",
    },
  ];
}
