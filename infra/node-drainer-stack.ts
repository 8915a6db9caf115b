import { CfnOutput, Duration, Fn, Stack, type StackProps } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type * as logs from "aws-cdk-lib/aws-logs";
import * as sns from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import type { AppContext } from "./app-context.js";
import type { DrainSettings } from "./drainer-environment.js";
import { NodeDrainer } from "./node-drainer.js";
import type { NodeDrainerProps } from "./node-drainer-props.js";
import { reportBucketOf } from "./report-bucket.js";

export interface NodeDrainerStackProps extends StackProps {
  readonly config: AppContext;
  /** Replaces the bundled handler (tests). */
  readonly code?: lambda.Code;
}

/** The deployable unit of `npx cdk deploy`: one NodeDrainer configured from the app's context. */
export class NodeDrainerStack extends Stack {
  readonly drainer: NodeDrainer;

  constructor(scope: Construct, id: string, props: NodeDrainerStackProps) {
    super(scope, id, props);
    const config = props.config;

    const drain: DrainSettings = {
      ...(config.drainTimeout === undefined ? {} : { timeout: Duration.seconds(config.drainTimeout) }),
      ...(config.onDeadline === undefined
        ? {}
        : { onDeadline: config.onDeadline as DrainSettings["onDeadline"] }),
      ...(config.deadlineResult === undefined
        ? {}
        : { deadlineResult: config.deadlineResult as DrainSettings["deadlineResult"] }),
      ...(config.evictDaemonSets === undefined ? {} : { evictDaemonSets: config.evictDaemonSets }),
      ...(config.deleteNode === undefined ? {} : { deleteNode: config.deleteNode }),
      ...(config.settleSeconds === undefined ? {} : { settle: Duration.seconds(config.settleSeconds) }),
      ...(config.waitForVolumeDetach === undefined
        ? {}
        : { waitForVolumeDetach: config.waitForVolumeDetach }),
      ...(config.waitForTargetDeregistration === undefined
        ? {}
        : { waitForTargetDeregistration: config.waitForTargetDeregistration }),
      ...(config.spotDeadlineMargin === undefined
        ? {}
        : { spotDeadlineMargin: Duration.seconds(config.spotDeadlineMargin) }),
      ...(config.rebalanceAction === undefined ? {} : { rebalanceAction: config.rebalanceAction }),
    };
    const drainerProps: NodeDrainerProps = {
      clusterName: config.clusterName,
      autoScalingGroups: config.asgNames,
      drain,
      ...(config.heartbeatTimeout === undefined
        ? {}
        : { heartbeatTimeout: Duration.seconds(config.heartbeatTimeout) }),
      ...(config.defaultResult === undefined ? {} : { defaultResult: config.defaultResult }),
      ...(config.lifecycleHookName === undefined ? {} : { lifecycleHookName: config.lifecycleHookName }),
      ...(config.launchHooks === undefined ? {} : { launchHooks: config.launchHooks }),
      ...reportBucketOf(config),
      ...(config.servedClusters === undefined ? {} : { servedClusters: config.servedClusters }),
      ...(config.deregisterTargetGroups === undefined
        ? {}
        : { deregisterTargetGroups: config.deregisterTargetGroups }),
      ...(config.kubernetesGroup === undefined ? {} : { kubernetesGroup: config.kubernetesGroup }),
      ...(config.accessEntry === undefined ? {} : { accessEntry: config.accessEntry }),
      ...(config.logRetentionDays === undefined
        ? {}
        : { logRetention: config.logRetentionDays as logs.RetentionDays }),
      ...(config.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrency: config.reservedConcurrency }),
      ...(config.alarmTopicArn === undefined
        ? {}
        : { alarmTopic: sns.Topic.fromTopicArn(this, "AlarmTopic", config.alarmTopicArn) }),
      ...(config.notificationTopicArn === undefined
        ? {}
        : {
            notificationTopic: sns.Topic.fromTopicArn(this, "NotificationTopic", config.notificationTopicArn),
          }),
      ...this.network(config),
      ...(props.code ? { code: props.code } : {}),
    };
    this.drainer = new NodeDrainer(this, "NodeDrainer", drainerProps);

    new CfnOutput(this, "RoleArn", {
      description:
        "The drainer's IAM role: the principal of the access entry, or of the aws-auth mapRoles entry",
      value: this.drainer.role.roleArn,
    });
    new CfnOutput(this, "QueueUrl", { value: this.drainer.queue.queueUrl });
    new CfnOutput(this, "DeadLetterQueueUrl", { value: this.drainer.deadLetterQueue.queueUrl });
    new CfnOutput(this, "FunctionName", { value: this.drainer.function.functionName });
  }

  /** A private cluster endpoint: the function runs in the given subnets (no lookups, so synth stays offline). */
  private network(config: AppContext): Partial<NodeDrainerProps> {
    if (!config.vpcId || !config.subnetIds) return {};
    const subnets = config.subnetIds.map((id) => ec2.Subnet.fromSubnetId(this, `Subnet-${id}`, id));
    const vpc = ec2.Vpc.fromVpcAttributes(this, "Vpc", {
      vpcId: config.vpcId,
      // The subnets are named explicitly, so the VPC's own zone list is never consulted.
      availabilityZones: Fn.getAzs(),
    });
    return {
      vpc,
      vpcSubnets: { subnets },
      ...(config.securityGroupIds
        ? {
            securityGroups: config.securityGroupIds.map((id) =>
              ec2.SecurityGroup.fromSecurityGroupId(this, `SecurityGroup-${id}`, id),
            ),
          }
        : {}),
      ...(config.clusterSecurityGroupId
        ? {
            clusterSecurityGroup: ec2.SecurityGroup.fromSecurityGroupId(
              this,
              "ClusterSecurityGroup",
              config.clusterSecurityGroupId,
            ),
          }
        : {}),
    };
  }
}
