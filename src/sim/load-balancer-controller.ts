import type { SimInstance } from "./cluster-view.js";
import type { ControlPlane } from "./control-plane.js";
import type { Node, Pod } from "./kube-objects.js";
import { isHealthy } from "./pod-state.js";
import { resourceTypes } from "./resource-types.js";
import type { SimulatedTargetGroup, TargetGroupDirectory } from "./target-groups.js";

/** The AWS Load Balancer Controller leaves nodes with this label out of instance target groups. */
const excludeLabel = "node.kubernetes.io/exclude-from-external-load-balancers";

/**
 * What the AWS Load Balancer Controller and Auto Scaling do with the scenario's target groups:
 * - a TargetGroupBinding object (elbv2.k8s.aws/v1beta1) for each bound target group, in the store;
 * - ip targets: the Ready pods matching the binding's labels are registered; a pod that is terminating or
 *   gone is deregistered (it then drains for the group's deregistration delay), after the controller delay
 *   (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/pod_readiness_gate/);
 * - bound instance targets: every node, deregistered once it carries
 *   node.kubernetes.io/exclude-from-external-load-balancers
 *   (https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/targetgroupbinding/targetgroupbinding/);
 * - target groups attached to the Auto Scaling group: every instance; the group deregisters a terminating
 *   instance itself (TargetGroupDirectory.deregisterFromAttached, called by the simulated group).
 */
export class LoadBalancerController {
  constructor(
    private readonly plane: ControlPlane,
    private readonly directory: TargetGroupDirectory,
    private readonly instances: () => SimInstance[],
  ) {}

  /** Creates the bindings and the initial registrations, and follows pods and nodes from then on. */
  start(): void {
    for (const group of this.directory.all()) {
      const binding = group.spec.binding;
      if (binding !== undefined) {
        this.plane.store.create(resourceTypes.targetGroupBindings, {
          apiVersion: "elbv2.k8s.aws/v1beta1",
          kind: "TargetGroupBinding",
          metadata: {
            name: binding.name ?? group.name,
            namespace: binding.namespace,
            uid: this.plane.uid(),
            creationTimestamp: this.plane.timestamp(),
          },
          spec: {
            serviceRef: { name: binding.serviceName, port: group.spec.port },
            targetGroupARN: group.arn,
            targetType: group.spec.targetType,
          },
        });
      }
      if (group.spec.attachedToGroup) {
        for (const instance of this.instances()) group.register(instance.instanceId);
      }
    }
    this.reconcile();
    const queue = this.plane.controllerQueue(() => this.reconcile());
    this.plane.store.subscribe((change) => {
      const type = change.current.type;
      if (type === resourceTypes.pods || type === resourceTypes.nodes) queue.request("targets");
    });
  }

  private reconcile(): void {
    for (const group of this.directory.all()) {
      if (group.spec.binding === undefined) continue;
      if (group.spec.targetType === "ip") this.reconcileIps(group);
      else this.reconcileNodes(group);
    }
  }

  private reconcileIps(group: SimulatedTargetGroup): void {
    const binding = group.spec.binding;
    if (binding === undefined) return;
    const pods = this.plane.store
      .list(resourceTypes.pods, binding.namespace)
      .map((stored) => stored.object as Pod)
      .filter((pod) => matches(pod.metadata.labels ?? {}, binding.podLabels));
    const serving = new Set<string>();
    for (const pod of pods) {
      const ip = pod.status.podIP;
      if (ip === undefined || pod.spec.hostNetwork === true) continue;
      if (isHealthy(pod)) {
        serving.add(ip);
        group.register(ip);
      }
    }
    for (const target of group.targets()) {
      if (target.state === "healthy" && !serving.has(target.id)) group.deregister(target.id);
    }
  }

  private reconcileNodes(group: SimulatedTargetGroup): void {
    const nodes = this.plane.store.list(resourceTypes.nodes).map((stored) => stored.object as Node);
    const byName = new Map(this.instances().map((instance) => [instance.nodeName, instance.instanceId]));
    const serving = new Set<string>();
    for (const node of nodes) {
      const instanceId = byName.get(node.metadata.name);
      if (instanceId === undefined || node.metadata.labels?.[excludeLabel] !== undefined) continue;
      serving.add(instanceId);
      group.register(instanceId);
    }
    for (const target of group.targets()) {
      if (target.state === "healthy" && !serving.has(target.id)) group.deregister(target.id);
    }
  }
}

function matches(labels: Record<string, string>, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([key, value]) => labels[key] === value);
}
