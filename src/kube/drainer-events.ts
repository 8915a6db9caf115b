import type { CoreV1Event } from "@kubernetes/client-node";
import { toClusterError } from "./api-errors.js";
import type { KubeClient } from "./kube-client.js";

/** A Kubernetes Event the drainer wrote, as a report reads it back. */
export interface DrainerEvent {
  reason: string;
  type: string;
  message: string;
  /** The object it is about: a Node (its events live in `default`) or a Pod. */
  about: { kind: string; name: string; namespace?: string };
  /** The first and the last occurrence, epoch ms (the same when `count` is 1). */
  firstAt: number;
  lastAt: number;
  /** Occurrences aggregated into this event (repeats raise it). */
  count: number;
}

/**
 * Every Event written by `component` (the drainer's source.component), in all namespaces, oldest first.
 * The API server selects core/v1 Events by `source` (their source.component), one of the Event's selectable
 * fields in https://github.com/kubernetes/kubernetes/blob/master/pkg/registry/core/event/strategy.go.
 * Events are kept for the API server's --event-ttl, one hour by default
 * (https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/), so older drains have
 * none left.
 */
export async function listDrainerEvents(
  client: KubeClient,
  component = "eks-node-drainer",
): Promise<DrainerEvent[]> {
  let items: CoreV1Event[];
  try {
    items = (await client.core.listEventForAllNamespaces({ fieldSelector: `source=${component}` })).items;
  } catch (error) {
    throw toClusterError(`listing the Events of ${component}`, error);
  }
  return items
    .flatMap((item) => {
      const first = timeOf(item.firstTimestamp) ?? timeOf(item.eventTime) ?? timeOf(item.lastTimestamp);
      if (first === undefined) return [];
      const last = timeOf(item.lastTimestamp) ?? first;
      const namespace = item.involvedObject.namespace;
      return [
        {
          reason: item.reason ?? "",
          type: item.type ?? "Normal",
          message: item.message ?? "",
          about: {
            kind: item.involvedObject.kind ?? "",
            name: item.involvedObject.name ?? "",
            ...(namespace === undefined ? {} : { namespace }),
          },
          firstAt: first,
          lastAt: Math.max(first, last),
          count: item.count ?? 1,
        },
      ];
    })
    .sort((a, b) => a.firstAt - b.firstAt);
}

function timeOf(value: Date | string | undefined): number | undefined {
  if (value === undefined || value === null) return undefined;
  const at = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(at) ? at : undefined;
}
