import { ArnFormat, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type { IConstruct } from "constructs";
import { acknowledgeWildcardResource } from "./wildcard-acknowledgment.js";

/**
 * The AWS permissions of the drainer's role, beyond its queue and logs: one statement per need, each
 * with a Sid, each scoped to the narrowest resource the service authorization reference allows.
 */
export interface DrainerPermissionsProps {
  /** Clusters the drainer may describe (endpoint and CA). */
  readonly clusterNames: readonly string[];
  /** Groups whose lifecycle actions it heartbeats and completes. */
  readonly autoScalingGroupNames: readonly string[];
  /** Whether the function runs in a VPC (it then manages its network interfaces). */
  readonly inVpc: boolean;
}

export const statementIds = {
  lifecycleActions: "HeartbeatAndCompleteLifecycleActions",
  lifecycleHooks: "DescribeLifecycleHooks",
  cluster: "DescribeClusters",
  instances: "DescribeInstances",
  networkInterfaces: "ManageVpcNetworkInterfaces",
} as const;

/** arn:PARTITION:autoscaling:REGION:ACCOUNT:autoScalingGroup:*:autoScalingGroupName/NAME */
export function autoScalingGroupArn(scope: IConstruct, name: string): string {
  return Stack.of(scope).formatArn({
    service: "autoscaling",
    resource: "autoScalingGroup",
    // The group id (a UUID) is assigned by AWS and unknown here; the name pins the group.
    resourceName: `*:autoScalingGroupName/${name}`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** arn:PARTITION:eks:REGION:ACCOUNT:cluster/NAME */
export function clusterArn(scope: IConstruct, name: string): string {
  return Stack.of(scope).formatArn({
    service: "eks",
    resource: "cluster",
    resourceName: name,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

export function grantDrainerPermissions(role: iam.Role, props: DrainerPermissionsProps): void {
  const groupArns = props.autoScalingGroupNames.map((name) => autoScalingGroupArn(role, name));
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: statementIds.lifecycleActions,
      actions: ["autoscaling:RecordLifecycleActionHeartbeat", "autoscaling:CompleteLifecycleAction"],
      resources: groupArns,
    }),
  );
  for (const arn of groupArns) {
    acknowledgeWildcardResource(
      role,
      arn,
      "An Auto Scaling group ARN holds a group id assigned by AWS at creation; the ARN is pinned by the group name and only that segment is a wildcard.",
    );
  }

  role.addToPolicy(
    new iam.PolicyStatement({
      sid: statementIds.lifecycleHooks,
      // DescribeAutoScalingGroups: the group's leaving instances, cordoned before a drain evicts (batch cordon).
      actions: ["autoscaling:DescribeLifecycleHooks", "autoscaling:DescribeAutoScalingGroups"],
      resources: ["*"],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: statementIds.instances,
      actions: ["ec2:DescribeInstances"],
      resources: ["*"],
    }),
  );
  acknowledgeWildcardResource(
    role,
    "*",
    "autoscaling:DescribeLifecycleHooks, autoscaling:DescribeAutoScalingGroups and ec2:DescribeInstances support no resource-level permissions (service authorization reference); the statements holding this wildcard allow only those read-only actions, or, in a VPC, only the network-interface actions Lambda needs, which are not resource-scoped either.",
  );

  role.addToPolicy(
    new iam.PolicyStatement({
      sid: statementIds.cluster,
      actions: ["eks:DescribeCluster"],
      resources: [...new Set(props.clusterNames)].map((name) => clusterArn(role, name)),
    }),
  );

  if (props.inVpc) {
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: statementIds.networkInterfaces,
        actions: [
          "ec2:CreateNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
        ],
        resources: ["*"],
      }),
    );
  }
}
