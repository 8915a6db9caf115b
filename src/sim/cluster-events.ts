import type { ControlPlane } from "./control-plane.js";
import type { CoreEvent, KubeObject } from "./kube-objects.js";
import { resourceTypes } from "./resource-types.js";

export interface EventNote {
  readonly about: KubeObject;
  readonly reason: string;
  readonly message: string;
  readonly type: "Normal" | "Warning";
  /** The component reporting it: default-scheduler, attachdetach-controller... */
  readonly component: string;
}

/** Records a core/v1 Event as the cluster's own components do (in the object's namespace, else default). */
export function emitEvent(plane: ControlPlane, note: EventNote): void {
  const meta = note.about.metadata;
  const namespace = meta.namespace ?? "default";
  const now = plane.timestamp();
  const event: CoreEvent = {
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      name: `${meta.name}.${plane.names.text(16, "0123456789abcdef")}`,
      namespace,
      uid: plane.uid(),
      creationTimestamp: now,
    },
    involvedObject: {
      apiVersion: note.about.apiVersion,
      kind: note.about.kind,
      name: meta.name,
      ...(meta.namespace ? { namespace: meta.namespace } : {}),
      ...(meta.uid ? { uid: meta.uid } : {}),
      ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
    },
    reason: note.reason,
    message: note.message,
    source: { component: note.component },
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
    type: note.type,
    eventTime: null,
    reportingComponent: note.component,
    reportingInstance: "",
  };
  plane.store.create(resourceTypes.events, event);
}
