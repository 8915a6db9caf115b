import { CustomObjectsApi } from "@kubernetes/client-node";
import { ClusterError } from "../drain/cluster-port.js";
import { toClusterError } from "./api-errors.js";
import type { KubeClient } from "./kube-client.js";

/** A target group the AWS Load Balancer Controller keeps, as one TargetGroupBinding names it. */
export interface BoundTargetGroup {
  /** namespace/name of the binding. */
  binding: string;
  targetGroupArn: string;
  /** `instance`: the nodes (NodePort); `ip`: the pods' IPs. */
  targetType: "instance" | "ip";
}

/**
 * The TargetGroupBinding objects of the cluster (elbv2.k8s.aws/v1beta1, all namespaces). A cluster without
 * the CRD (404) has none. spec.targetType is optional in the CRD; the controller then takes it from the
 * target group; such bindings are left out here (they are rare: the controller writes the type it uses).
 * https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/targetgroupbinding/spec/
 */
export async function listTargetGroupBindings(client: KubeClient): Promise<BoundTargetGroup[]> {
  const api = client.kubeConfig.makeApiClient(CustomObjectsApi);
  let list: { items?: unknown[] };
  try {
    list = (await api.listClusterCustomObject({
      group: "elbv2.k8s.aws",
      version: "v1beta1",
      plural: "targetgroupbindings",
    })) as { items?: unknown[] };
  } catch (error) {
    const failure = toClusterError("listing TargetGroupBindings", error);
    if (failure instanceof ClusterError && failure.status === 404) return [];
    throw failure;
  }
  return (list.items ?? []).flatMap((item) => {
    const object = item as {
      metadata?: { namespace?: string; name?: string };
      spec?: { targetGroupARN?: string; targetType?: string };
    };
    const arn = object.spec?.targetGroupARN;
    const type = object.spec?.targetType;
    if (arn === undefined || (type !== "instance" && type !== "ip")) return [];
    return [
      {
        binding: `${object.metadata?.namespace ?? "default"}/${object.metadata?.name ?? ""}`,
        targetGroupArn: arn,
        targetType: type,
      },
    ];
  });
}
