import { ArnFormat, Stack } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type { Construct, IConstruct } from "constructs";
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
  /** Target groups (ARNs) it may deregister the instance from (DEREGISTER_TARGETS); none: it only waits. */
  readonly deregisterTargetGroupArns?: readonly string[];
}

export const statementIds = {
  lifecycleActions: "HeartbeatAndCompleteLifecycleActions",
  lifecycleHooks: "DescribeLifecycleHooks",
  cluster: "DescribeClusters",
  instances: "DescribeInstances",
  networkInterfaces: "ManageVpcNetworkInterfaces",
  selfInvocation: "InvokeItselfForContinuations",
  loadBalancerTargets: "DescribeLoadBalancerTargets",
  deregisterTargets: "DeregisterTargetsOfTheGroups",
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
      actions: [
        "autoscaling:DescribeLifecycleHooks",
        "autoscaling:DescribeAutoScalingGroups",
        "autoscaling:DescribeInstanceRefreshes",
      ],
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
  // The wait for target deregistration: the group's traffic sources and the targets' health.
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2autoscaling.html
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselasticloadbalancingv2.html
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: statementIds.loadBalancerTargets,
      actions: ["autoscaling:DescribeTrafficSources", "elasticloadbalancing:DescribeTargetHealth"],
      resources: ["*"],
    }),
  );
  acknowledgeWildcardResource(
    role,
    "*",
    "autoscaling:DescribeLifecycleHooks, autoscaling:DescribeAutoScalingGroups, autoscaling:DescribeInstanceRefreshes, autoscaling:DescribeTrafficSources, ec2:DescribeInstances and elasticloadbalancing:DescribeTargetHealth support no resource-level permissions (service authorization reference); the statements holding this wildcard allow only those read-only actions, or, in a VPC, only the network-interface actions Lambda needs, which are not resource-scoped either.",
  );
  const deregisterArns = [...new Set(props.deregisterTargetGroupArns ?? [])];
  if (deregisterArns.length > 0) {
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: statementIds.deregisterTargets,
        actions: ["elasticloadbalancing:DeregisterTargets"],
        resources: deregisterArns,
      }),
    );
  }

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

/**
 * A notice delivered by direct invocation (EventBridge → Lambda, or a continuation of one) continues in an
 * asynchronous invocation of the function itself (src/lambda/self-invocation.ts), by the ARN it was
 * invoked with: the function's, or a version's or alias's (`<arn>:<qualifier>`). A policy of its own, so
 * that the function (which depends on its role's default policy) and this statement (which names the
 * function) form no cycle.
 */
export function grantSelfInvocation(scope: Construct, fn: lambda.IFunction, role: iam.IRole): iam.Policy {
  const qualified = `${fn.functionArn}:*`;
  const policy = new iam.Policy(scope, "SelfInvocation", {
    roles: [role],
    statements: [
      new iam.PolicyStatement({
        sid: statementIds.selfInvocation,
        actions: ["lambda:InvokeFunction"],
        resources: [fn.functionArn, qualified],
      }),
    ],
  });
  acknowledgeWildcardResource(
    policy,
    qualified,
    "The function invokes itself by the ARN it was invoked with, which may carry a version or alias qualifier; the wildcard covers only the qualifiers of this one function.",
  );
  return policy;
}
