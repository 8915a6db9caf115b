import { forbidden, notFound } from "./api-status.js";
import type { ObjectStore } from "./object-store.js";
import { resourceTypes } from "./resource-types.js";

/**
 * The NamespaceLifecycle admission check for creates: a missing namespace is 404, a terminating one 403
 * with cause NamespaceTerminating. Events are let through a terminating namespace.
 */
export function admitCreate(
  store: ObjectStore,
  namespace: string,
  plural: string,
  group: string,
  name: string,
): void {
  const stored = store.get(resourceTypes.namespaces, undefined, namespace);
  if (!stored) throw notFound("namespaces", "", namespace);
  const phase = (stored.object.status as { phase?: string } | undefined)?.phase;
  if (phase === "Terminating" && plural !== "events") {
    throw forbidden(
      plural,
      group,
      name,
      `unable to create new content in namespace ${namespace} because it is being terminated`,
      [
        {
          reason: "NamespaceTerminating",
          message: `namespace ${namespace} is being terminated`,
          field: "metadata.namespace",
        },
      ],
    );
  }
}
