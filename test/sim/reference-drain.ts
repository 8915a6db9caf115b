import { type CoreV1Api, PatchStrategy, setHeaderOptions, type V1Pod } from "@kubernetes/client-node";
import type { Clock } from "../../src/time/clock.js";
import type { RequestTracker } from "../support/virtual-time.js";

export interface ReferenceDrainOptions {
  /** The cluster's clock: retries and the timeout run on it. */
  clock: Clock;
  /** Wraps each request, so that virtual time stands still while one is in flight. */
  track: RequestTracker;
  retryMs?: number;
  timeoutMs?: number;
}

/**
 * The plainest PDB-respecting drain, to exercise scenarios end to end over HTTP: cordon, evict every pod
 * but DaemonSet and mirror pods (all at once, UID-pinned), retry refusals every `retryMs`, wait until gone.
 */
export async function referenceDrain(core: CoreV1Api, nodeName: string, options: ReferenceDrainOptions) {
  const { clock, track, retryMs = 250, timeoutMs = 60_000 } = options;
  const deadline = clock.now() + timeoutMs;
  await track(
    core.patchNode(
      { name: nodeName, body: { spec: { unschedulable: true } } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    ),
  );
  const listed = await track(core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${nodeName}` }));
  const skipped = (pod: V1Pod) =>
    pod.metadata?.ownerReferences?.some((owner) => owner.kind === "DaemonSet") === true ||
    pod.metadata?.annotations?.["kubernetes.io/config.mirror"] !== undefined;
  const targets = listed.items.filter((pod) => !skipped(pod));
  let refusals = 0;
  await Promise.all(
    targets.map(async (pod) => {
      const name = pod.metadata?.name ?? "";
      const namespace = pod.metadata?.namespace ?? "";
      const uid = pod.metadata?.uid ?? "";
      for (;;) {
        if (clock.now() > deadline) throw new Error(`evicting ${namespace}/${name}: timed out`);
        try {
          await track(
            core.createNamespacedPodEviction({
              name,
              namespace,
              body: {
                apiVersion: "policy/v1",
                kind: "Eviction",
                metadata: { name, namespace },
                deleteOptions: { preconditions: { uid } },
              },
            }),
          );
          break;
        } catch (error) {
          const code = (error as { code?: number }).code;
          if (code === 404 || code === 409) break;
          if (code !== 429) throw new Error(`evicting ${namespace}/${name}`, { cause: error });
          refusals += 1;
          await clock.sleep(retryMs);
        }
      }
      for (;;) {
        if (clock.now() > deadline) throw new Error(`waiting for ${namespace}/${name} to go: timed out`);
        try {
          const current = await track(core.readNamespacedPod({ name, namespace }));
          if (current.metadata?.uid !== uid) break;
        } catch (error) {
          if ((error as { code?: number }).code === 404) break;
          throw error;
        }
        await clock.sleep(retryMs);
      }
    }),
  );
  return { evicted: targets.map((pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`), refusals };
}
