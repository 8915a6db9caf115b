import type { KubeObject } from "./kube-objects.js";

/** The verbs of the Kubernetes API, as RBAC and audit logs name them. */
export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete";

type FieldReader = (object: KubeObject) => string | undefined;

/** One served resource: where it lives, what it is called, which verbs and field selectors it answers. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly verbs: ReadonlySet<Verb>;
  /** Has a status subresource: writes through the main resource keep the stored status. */
  readonly hasStatus: boolean;
  /** Field selector keys beyond metadata.name and metadata.namespace. */
  readonly fields: Readonly<Record<string, FieldReader>>;
}

export function apiVersionOf(type: ResourceType): string {
  return type.group === "" ? type.version : `${type.group}/${type.version}`;
}

export function storeKeyOf(type: ResourceType): string {
  return `${type.group}/${type.plural}`;
}

const read =
  (...path: string[]): FieldReader =>
  (object) => {
    let value: unknown = object;
    for (const step of path) {
      if (value === null || typeof value !== "object") return undefined;
      value = (value as Record<string, unknown>)[step];
    }
    if (value === undefined || value === null) return undefined;
    return typeof value === "string" ? value : String(value);
  };

const readOnly = new Set<Verb>(["get", "list", "watch"]);
const all = new Set<Verb>(["get", "list", "watch", "create", "update", "patch", "delete"]);
const writable = new Set<Verb>(["get", "list", "watch", "update", "patch"]);

function resource(
  group: string,
  plural: string,
  kind: string,
  options: {
    namespaced: boolean;
    verbs: ReadonlySet<Verb>;
    hasStatus?: boolean;
    fields?: Record<string, FieldReader>;
  },
): ResourceType {
  return {
    group,
    version: "v1",
    plural,
    kind,
    namespaced: options.namespaced,
    verbs: options.verbs,
    hasStatus: options.hasStatus ?? false,
    fields: options.fields ?? {},
  };
}

const eventFields: Record<string, FieldReader> = {
  "involvedObject.kind": read("involvedObject", "kind"),
  "involvedObject.namespace": read("involvedObject", "namespace"),
  "involvedObject.name": read("involvedObject", "name"),
  "involvedObject.uid": read("involvedObject", "uid"),
  "involvedObject.apiVersion": read("involvedObject", "apiVersion"),
  "involvedObject.resourceVersion": read("involvedObject", "resourceVersion"),
  "involvedObject.fieldPath": read("involvedObject", "fieldPath"),
  reason: read("reason"),
  reportingComponent: read("reportingComponent"),
  source: read("source", "component"),
  type: read("type"),
};

export const resourceTypes = {
  nodes: resource("", "nodes", "Node", {
    namespaced: false,
    verbs: all,
    hasStatus: true,
    fields: { "spec.unschedulable": (node) => read("spec", "unschedulable")(node) ?? "false" },
  }),
  pods: resource("", "pods", "Pod", {
    namespaced: true,
    verbs: all,
    hasStatus: true,
    fields: {
      "spec.nodeName": (pod) => read("spec", "nodeName")(pod) ?? "",
      "spec.restartPolicy": read("spec", "restartPolicy"),
      "spec.schedulerName": read("spec", "schedulerName"),
      "spec.serviceAccountName": read("spec", "serviceAccountName"),
      "spec.hostNetwork": (pod) => read("spec", "hostNetwork")(pod) ?? "false",
      "status.phase": read("status", "phase"),
      "status.podIP": (pod) => read("status", "podIP")(pod) ?? "",
      "status.nominatedNodeName": (pod) => read("status", "nominatedNodeName")(pod) ?? "",
    },
  }),
  namespaces: resource("", "namespaces", "Namespace", {
    namespaced: false,
    verbs: readOnly,
    hasStatus: true,
    fields: { "status.phase": read("status", "phase") },
  }),
  events: resource("", "events", "Event", {
    namespaced: true,
    verbs: new Set<Verb>(["get", "list", "watch", "create", "update", "patch", "delete"]),
    fields: eventFields,
  }),
  eventsV1: resource("events.k8s.io", "events", "Event", {
    namespaced: true,
    verbs: new Set<Verb>(["get", "list", "watch", "create", "update", "patch", "delete"]),
    fields: {
      "regarding.kind": read("regarding", "kind"),
      "regarding.namespace": read("regarding", "namespace"),
      "regarding.name": read("regarding", "name"),
      "regarding.uid": read("regarding", "uid"),
      reason: read("reason"),
      reportingController: read("reportingController"),
      type: read("type"),
    },
  }),
  persistentVolumeClaims: resource("", "persistentvolumeclaims", "PersistentVolumeClaim", {
    namespaced: true,
    verbs: readOnly,
    hasStatus: true,
  }),
  persistentVolumes: resource("", "persistentvolumes", "PersistentVolume", {
    namespaced: false,
    verbs: readOnly,
    hasStatus: true,
  }),
  podDisruptionBudgets: resource("policy", "poddisruptionbudgets", "PodDisruptionBudget", {
    namespaced: true,
    verbs: all,
    hasStatus: true,
  }),
  volumeAttachments: resource("storage.k8s.io", "volumeattachments", "VolumeAttachment", {
    namespaced: false,
    verbs: readOnly,
    hasStatus: true,
  }),
  deployments: resource("apps", "deployments", "Deployment", {
    namespaced: true,
    verbs: writable,
    hasStatus: true,
  }),
  horizontalPodAutoscalers: {
    ...resource("autoscaling", "horizontalpodautoscalers", "HorizontalPodAutoscaler", {
      namespaced: true,
      verbs: all,
      hasStatus: true,
    }),
    version: "v2",
  },
  replicaSets: resource("apps", "replicasets", "ReplicaSet", {
    namespaced: true,
    verbs: readOnly,
    hasStatus: true,
  }),
  statefulSets: resource("apps", "statefulsets", "StatefulSet", {
    namespaced: true,
    verbs: readOnly,
    hasStatus: true,
  }),
  daemonSets: resource("apps", "daemonsets", "DaemonSet", {
    namespaced: true,
    verbs: readOnly,
    hasStatus: true,
  }),
  /** The AWS Load Balancer Controller's binding of a Service to an ELBv2 target group (read only here). */
  targetGroupBindings: {
    ...resource("elbv2.k8s.aws", "targetgroupbindings", "TargetGroupBinding", {
      namespaced: true,
      verbs: readOnly,
      hasStatus: true,
    }),
    version: "v1beta1",
  },
} as const satisfies Record<string, ResourceType>;

const byPath = new Map<string, ResourceType>(
  Object.values(resourceTypes).map((type) => [`${type.group}/${type.version}/${type.plural}`, type]),
);

/** The resource served at /api/v1/PLURAL or /apis/GROUP/VERSION/PLURAL, if any. */
export function findResourceType(group: string, version: string, plural: string): ResourceType | undefined {
  return byPath.get(`${group}/${version}/${plural}`);
}

/** The field selector reader for `key`, including the two every resource supports. */
export function fieldReader(type: ResourceType, key: string): FieldReader | undefined {
  if (key === "metadata.name") return (object) => object.metadata.name;
  if (key === "metadata.namespace") return (object) => object.metadata.namespace ?? "";
  return type.fields[key];
}
