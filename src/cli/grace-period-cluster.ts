import type { ClusterPort, DeletePodOptions, EvictOptions, PodRef } from "../drain/cluster-port.js";

/**
 * kubectl drain's --grace-period: every eviction and deletion gives a pod at most `seconds` to stop,
 * instead of its own terminationGracePeriodSeconds. A shorter grace the engine asks for (to finish before
 * the deadline) still wins. Every other call of the port passes straight through to `inner`.
 */
export function withGracePeriod(inner: ClusterPort, seconds: number): ClusterPort {
  const cap = (requested: number | undefined) =>
    requested === undefined ? seconds : Math.min(requested, seconds);
  const overrides: Pick<ClusterPort, "evictPod" | "deletePod"> = {
    evictPod: (pod: PodRef, options: EvictOptions) =>
      inner.evictPod(pod, { ...options, gracePeriodSeconds: cap(options.gracePeriodSeconds) }),
    deletePod: (pod: PodRef, options: DeletePodOptions) =>
      inner.deletePod(pod, { ...options, gracePeriodSeconds: cap(options.gracePeriodSeconds) }),
  };
  return new Proxy(inner, {
    get(target, property) {
      if (property === "evictPod" || property === "deletePod") return overrides[property];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
