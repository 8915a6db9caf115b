import * as z from "zod";
import { autoScalingSchema, lifecycleEventSchema } from "./lifecycle-script.js";
import { spotSchema } from "./spot-warnings.js";
import { targetGroupSchema } from "./target-groups.js";

/**
 * The scenario file format: a cluster (nodes, workloads, budgets), its timings and its faults.
 * src/sim/README.md documents every field; keep the two in step.
 */

const seconds = z.number().min(0);
const labelMap = z.record(z.string(), z.string());
const intOrPercent = z.union([
  z.number().int().min(0),
  z.string().regex(/^\d+%$/, 'must be an integer or a percentage such as "50%"'),
]);
const verbKey = z.enum(["all", "get", "list", "watch", "create", "update", "patch", "delete", "eviction"]);

const toleration = z.strictObject({
  key: z.string().optional(),
  operator: z.enum(["Exists", "Equal"]).optional(),
  value: z.string().optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
  tolerationSeconds: z.number().int().optional(),
});

const taint = z.strictObject({
  key: z.string().min(1),
  value: z.string().optional(),
  effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
});

export const nodeSchema = z.strictObject({
  name: z.string().min(1),
  instanceId: z
    .string()
    .regex(/^i-[0-9a-f]{8,17}$/, "must look like an EC2 instance id (i-0123456789abcdef0)"),
  availabilityZone: z
    .string()
    .regex(/^[a-z]{2}-[a-z]+-\d[a-z]$/, "must look like an availability zone (us-west-2a)"),
  privateDnsName: z.string().min(1).optional(),
  labels: labelMap.default({}),
  unschedulable: z.boolean().default(false),
  taints: z.array(taint).default([]),
  maxPods: z.number().int().positive().default(110),
  instanceType: z.string().default("m5.large"),
  /** false: the instance exists but its Node never registered. */
  joined: z.boolean().default(true),
});

const budgetRules = {
  minAvailable: intOrPercent.optional(),
  maxUnavailable: intOrPercent.optional(),
  unhealthyPodEvictionPolicy: z.enum(["IfHealthyBudget", "AlwaysAllow"]).optional(),
};

export const workloadBudgetSchema = z.strictObject({ name: z.string().min(1).optional(), ...budgetRules });

const volumesSchema = z.union([
  z.literal(true),
  z.strictObject({
    claimName: z.string().min(1).default("data"),
    sizeGi: z.number().int().positive().default(10),
    storageClass: z.string().default("gp3"),
  }),
]);

export const workloadSchema = z.strictObject({
  kind: z.enum(["Deployment", "StatefulSet", "DaemonSet", "Pod"]),
  name: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label (lowercase, digits, '-')"),
  namespace: z.string().min(1).default("default"),
  replicas: z.number().int().min(0).optional(),
  node: z.string().min(1).optional(),
  nodes: z.array(z.string().min(1)).min(1).optional(),
  spread: z.boolean().optional(),
  labels: labelMap.optional(),
  annotations: labelMap.default({}),
  /** Annotations of the workload object itself (the Deployment, StatefulSet or DaemonSet). */
  workloadAnnotations: labelMap.default({}),
  /** A Deployment's rollout strategy. */
  strategy: z
    .strictObject({
      type: z.enum(["RollingUpdate", "Recreate"]).default("RollingUpdate"),
      maxSurge: intOrPercent.optional(),
      maxUnavailable: intOrPercent.optional(),
    })
    .optional(),
  /** A HorizontalPodAutoscaler (autoscaling/v2) targeting the Deployment; stored, not acted on. */
  autoscaler: z
    .strictObject({ minReplicas: z.number().int().min(1).default(1), maxReplicas: z.number().int().min(1) })
    .optional(),
  nodeSelector: labelMap.optional(),
  tolerations: z.array(toleration).optional(),
  pdb: workloadBudgetSchema.optional(),
  priorityClassName: z.string().min(1).optional(),
  terminationGracePeriodSeconds: z.number().int().min(0).default(30),
  shutdownSeconds: seconds.default(1),
  startupSeconds: seconds.default(2),
  emptyDir: z.boolean().default(false),
  volumes: volumesSchema.optional(),
  ready: z.boolean().default(true),
  mirror: z.boolean().default(false),
  phase: z.enum(["Running", "Succeeded", "Failed", "Pending"]).default("Running"),
});

export const budgetSchema = z.strictObject({
  name: z.string().min(1),
  namespace: z.string().min(1).default("default"),
  /** Shorthand for selector.matchLabels. */
  labels: labelMap.optional(),
  selector: z
    .strictObject({
      matchLabels: labelMap.optional(),
      matchExpressions: z
        .array(
          z.strictObject({
            key: z.string().min(1),
            operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]),
            values: z.array(z.string()).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  ...budgetRules,
});

export const faultsSchema = z.strictObject({
  latencyMs: z.partialRecord(verbKey, z.number().min(0)).optional(),
  errorRate: z.partialRecord(verbKey, z.number().min(0).max(1)).optional(),
  errorCodes: z
    .array(z.union([z.literal(500), z.literal(503)]))
    .min(1)
    .optional(),
  throttleRate: z.number().min(0).max(1).optional(),
  throttleRetryAfterSeconds: z.number().int().min(1).optional(),
  throttleBody: z.enum(["status", "text"]).optional(),
  dropWatchesAfterSeconds: z.number().positive().optional(),
  /** The next N requests with an accepted bearer token are answered 401 (an authenticator's STS call failing). */
  refuseTokens: z.number().int().min(0).optional(),
  stuckDetach: z.union([z.boolean(), z.array(z.string().min(1))]).optional(),
  deleteNode: z.strictObject({ node: z.string().min(1), afterEvictions: z.number().int().min(1) }).optional(),
  /** The node's kubelet stops `afterSeconds` after the cluster starts: its pods stay as they are. */
  stopKubelet: z.strictObject({ node: z.string().min(1), afterSeconds: seconds.default(0) }).optional(),
});

export const namespaceSchema = z.strictObject({
  name: z.string().min(1),
  terminating: z.boolean().default(false),
  labels: labelMap.default({}),
});

export const scenarioSchema = z.strictObject({
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  seed: z.number().int().optional(),
  drainNode: z.string().min(1).optional(),
  controllerDelaySeconds: seconds.default(0.1),
  detachSeconds: seconds.default(2),
  attachSeconds: seconds.default(1),
  podGcSeconds: seconds.default(2),
  /** kube-controller-manager's --node-monitor-grace-period: a silent kubelet's node goes Unknown after it. */
  nodeMonitorGraceSeconds: seconds.default(40),
  namespaces: z.array(namespaceSchema).default([]),
  nodes: z.array(nodeSchema).min(1, "a scenario needs at least one node"),
  workloads: z.array(workloadSchema).default([]),
  budgets: z.array(budgetSchema).default([]),
  faults: faultsSchema.default({}),
  /** The Auto Scaling group's options (lifecycle-script.ts). */
  autoScaling: autoScalingSchema.optional(),
  /** Lifecycle events in order; absent: one terminate of drainNode (lifecycle-script.ts). */
  lifecycle: z.array(lifecycleEventSchema).min(1).optional(),
  /** ELBv2 target groups: attached to the Auto Scaling group, or bound through TargetGroupBindings. */
  targetGroups: z.array(targetGroupSchema).default([]),
  /** Spot: an interruption warning (and a rebalance recommendation, the terminate hook) for the drain node. */
  spot: spotSchema.optional(),
});

export type Scenario = z.infer<typeof scenarioSchema> & { name: string };
export type ScenarioNode = z.infer<typeof nodeSchema>;
export type ScenarioWorkload = z.infer<typeof workloadSchema>;
export type ScenarioBudget = z.infer<typeof budgetSchema>;
export type ScenarioFaults = z.infer<typeof faultsSchema>;
export type ScenarioVolumes = z.infer<typeof volumesSchema>;
