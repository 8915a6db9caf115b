import type { ControlPlane } from "./control-plane.js";
import type { Node } from "./kube-objects.js";
import type { ScenarioNode } from "./scenario-schema.js";
import { zoneLabel } from "./volume-objects.js";

/** The Node object an EKS worker registers, from a scenario node. */

function addressOf(node: ScenarioNode, index: number): string {
  const match = /^ip-(\d+)-(\d+)-(\d+)-(\d+)/.exec(node.privateDnsName ?? node.name);
  if (match) return match.slice(1, 5).join(".");
  return `10.0.${Math.floor(index / 200)}.${10 + (index % 200)}`;
}

export function nodeObject(plane: ControlPlane, node: ScenarioNode, index: number): Node {
  const now = plane.timestamp();
  const dnsName = node.privateDnsName ?? node.name;
  const region = node.availabilityZone.slice(0, -1);
  const ip = addressOf(node, index);
  const allocatable = {
    cpu: "1930m",
    memory: "7220Mi",
    pods: String(node.maxPods),
    "ephemeral-storage": "76224326324",
  };
  const spec: Node["spec"] = { providerID: `aws:///${node.availabilityZone}/${node.instanceId}` };
  if (node.unschedulable) spec.unschedulable = true;
  const taints = [
    ...node.taints,
    ...(node.unschedulable
      ? [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" as const }]
      : []),
  ];
  if (taints.length > 0) spec.taints = taints;
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name: node.name,
      uid: plane.uid(),
      creationTimestamp: now,
      labels: {
        "kubernetes.io/hostname": dnsName,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "beta.kubernetes.io/arch": "amd64",
        "node.kubernetes.io/instance-type": node.instanceType,
        "beta.kubernetes.io/instance-type": node.instanceType,
        [zoneLabel]: node.availabilityZone,
        "failure-domain.beta.kubernetes.io/zone": node.availabilityZone,
        "topology.kubernetes.io/region": region,
        "failure-domain.beta.kubernetes.io/region": region,
        "topology.ebs.csi.aws.com/zone": node.availabilityZone,
        "eks.amazonaws.com/nodegroup": "sim-nodes",
        "eks.amazonaws.com/capacityType": "ON_DEMAND",
        ...node.labels,
      },
      annotations: {
        "node.alpha.kubernetes.io/ttl": "0",
        "volumes.kubernetes.io/controller-managed-attach-detach": "true",
        "alpha.kubernetes.io/provided-node-ip": ip,
      },
    },
    spec,
    status: {
      capacity: { cpu: "2", memory: "8Gi", pods: String(node.maxPods), "ephemeral-storage": "83873772Ki" },
      allocatable,
      conditions: [
        ["MemoryPressure", "False", "KubeletHasSufficientMemory"],
        ["DiskPressure", "False", "KubeletHasNoDiskPressure"],
        ["PIDPressure", "False", "KubeletHasSufficientPID"],
        ["Ready", "True", "KubeletReady"],
      ].map(([type = "", status, reason]) => ({
        type,
        status: status as "True" | "False",
        reason,
        message: type === "Ready" ? "kubelet is posting ready status" : `kubelet has ${reason}`,
        lastHeartbeatTime: now,
        lastTransitionTime: now,
      })),
      addresses: [
        { type: "InternalIP", address: ip },
        { type: "InternalDNS", address: dnsName },
        { type: "Hostname", address: dnsName },
      ],
      nodeInfo: {
        architecture: "amd64",
        operatingSystem: "linux",
        osImage: "Amazon Linux 2023",
        kernelVersion: "6.1.0-sim",
        kubeletVersion: "v1.31.0-eks-sim",
        kubeProxyVersion: "v1.31.0-eks-sim",
        containerRuntimeVersion: "containerd://1.7.0",
        machineID: plane.names.text(32, "0123456789abcdef"),
        systemUUID: plane.names.uuid(),
        bootID: plane.names.uuid(),
      },
    },
  };
}
