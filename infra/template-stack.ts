import {
  Aws,
  BootstraplessSynthesizer,
  CfnCondition,
  CfnOutput,
  type CfnResource,
  Duration,
  Fn,
  Stack,
  type StackProps,
  Token,
  Validations,
} from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import type * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import type * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as sns from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import { deadlineResultChoices } from "./drainer-environment.js";
import { NodeDrainer } from "./node-drainer.js";
import type { LifecycleDefaultResult } from "./node-drainer-props.js";
import { maxTemplateGroups, type TemplateParameters, templateParameters } from "./template-parameters.js";
import { acknowledgeWildcardResource } from "./wildcard-acknowledgment.js";

export { maxTemplateGroups };

/**
 * The NodeDrainer as a plain CloudFormation template (deploy/eks-node-drainer.template.json): no CDK
 * bootstrap, no assets (the code comes from S3), every choice a parameter.
 *
 * CloudFormation cannot create one resource per list item, so the template holds `maxTemplateGroups`
 * lifecycle hooks, each created only when AsgNames has an item at its position. Hook n is named
 * `eks-node-drainer-n`: when a group moves to another position, the new hook never collides with the old
 * one on the same group.
 */
export class NodeDrainerTemplateStack extends Stack {
  readonly drainer: NodeDrainer;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, {
      description: "eks-node-drainer: drains EKS nodes before EC2 Auto Scaling terminates them",
      synthesizer: new BootstraplessSynthesizer(),
      analyticsReporting: false,
      ...props,
    });
    const parameters = templateParameters(this);
    this.describeParameters(parameters);

    // AsgNames padded with empty items, so position n exists even when fewer groups are given.
    const padded = Fn.join(",", [
      Fn.join(",", parameters.asgNames.valueAsList),
      ",".repeat(maxTemplateGroups - 1),
    ]);
    const groupNames = Fn.split(",", padded, maxTemplateGroups);
    const hasGroup = groupNames.map(
      (name, index) =>
        new CfnCondition(this, `HasGroup${index + 1}`, {
          expression: Fn.conditionNot(Fn.conditionEquals(name, "")),
        }),
    );
    const hasAlarmTopic = new CfnCondition(this, "HasAlarmTopic", {
      expression: Fn.conditionNot(Fn.conditionEquals(parameters.alarmTopicArn.valueAsString, "")),
    });
    const launchOn = new CfnCondition(this, "LaunchHooksCondition", {
      expression: Fn.conditionEquals(parameters.launchHooks.valueAsString, "true"),
    });
    const createAccessEntry = new CfnCondition(this, "CreateAccessEntryCondition", {
      expression: Fn.conditionEquals(parameters.createAccessEntry.valueAsString, "true"),
    });
    const hasReportBucket = new CfnCondition(this, "HasReportBucket", {
      expression: Fn.conditionNot(Fn.conditionEquals(parameters.reportBucket.valueAsString, "")),
    });
    // An older OnDeadline (abandon, default-result) names its deadline result itself; the function warns.
    const olderOnDeadline = new CfnCondition(this, "OnDeadlineOlderSpelling", {
      expression: Fn.conditionOr(
        ...deadlineResultChoices.map((value) =>
          Fn.conditionEquals(parameters.onDeadline.valueAsString, value),
        ),
      ),
    });
    const inVpc = new CfnCondition(this, "InVpc", {
      expression: Fn.conditionNot(Fn.conditionEquals(Fn.join(",", parameters.subnetIds.valueAsList), "")),
    });

    this.drainer = new NodeDrainer(this, "NodeDrainer", {
      clusterName: parameters.clusterName.valueAsString,
      autoScalingGroups: groupNames,
      heartbeatTimeout: Duration.seconds(parameters.heartbeatTimeout.valueAsNumber),
      defaultResult: parameters.defaultResult.valueAsString as LifecycleDefaultResult,
      // Always synthesized; the hooks exist only under LaunchHooks=true (see placeLaunchHooks).
      launchHooks: {
        settle: Duration.seconds(parameters.launchSettleSeconds.valueAsNumber),
        timeoutResult: parameters.launchTimeoutResult.valueAsString as LifecycleDefaultResult,
      },
      kubernetesGroup: parameters.kubernetesGroup.valueAsString,
      logRetention: parameters.logRetentionDays.valueAsNumber as logs.RetentionDays,
      alarmTopic: sns.Topic.fromTopicArn(this, "ImportedAlarmTopic", parameters.alarmTopicArn.valueAsString),
      code: lambda.Code.fromBucket(
        s3.Bucket.fromBucketName(this, "ImportedCodeBucket", parameters.codeBucket.valueAsString),
        parameters.codeKey.valueAsString,
      ),
      handler: "index.handler",
    });
    const drainer = this.drainer;

    drainer.lifecycleHooks.forEach((hook, index) => {
      hook.cfnOptions.condition = hasGroup[index];
      hook.lifecycleHookName = `eks-node-drainer-${index + 1}`;
    });
    (drainer.rule.node.defaultChild as events.CfnRule).addPropertyOverride(
      "EventPattern.detail.AutoScalingGroupName",
      parameters.asgNames.valueAsList,
    );
    drainer.setSetting("ASG_NAMES", Fn.join(",", parameters.asgNames.valueAsList));
    drainer.setSetting("DRAIN_TIMEOUT_SECONDS", parameters.drainTimeoutSeconds.valueAsString);
    drainer.setSetting("ON_DEADLINE", parameters.onDeadline.valueAsString);
    drainer.setSetting(
      "DEADLINE_RESULT",
      Token.asString(
        Fn.conditionIf(
          olderOnDeadline.logicalId,
          parameters.onDeadline.valueAsString,
          parameters.deadlineResult.valueAsString,
        ),
      ),
    );
    drainer.setSetting("EVICT_DAEMONSETS", parameters.evictDaemonSets.valueAsString);
    drainer.setSetting("DELETE_NODE", parameters.deleteNode.valueAsString);
    drainer.setSetting("SETTLE_SECONDS", parameters.settleSeconds.valueAsString);
    drainer.setSetting("WAIT_FOR_VOLUME_DETACH", parameters.waitForVolumeDetach.valueAsString);
    drainer.setSetting("SURGE", parameters.surge.valueAsString);
    drainer.setSetting(
      "WAIT_FOR_TARGET_DEREGISTRATION",
      parameters.waitForTargetDeregistration.valueAsString,
    );
    drainer.setSetting("SPOT_DEADLINE_MARGIN_SECONDS", parameters.spotDeadlineMarginSeconds.valueAsString);
    drainer.setSetting("REBALANCE_ACTION", parameters.rebalanceAction.valueAsString);
    // Empty (no bucket) reads as unset: no report is written.
    drainer.setSetting("REPORT_BUCKET", parameters.reportBucket.valueAsString);
    this.grantReports(parameters, hasReportBucket);

    for (const alarm of drainer.alarms.all) {
      (alarm.node.defaultChild as cloudwatch.CfnAlarm).alarmActions = Token.asList(
        Fn.conditionIf(hasAlarmTopic.logicalId, [parameters.alarmTopicArn.valueAsString], Aws.NO_VALUE),
      );
      Validations.of(alarm).acknowledge({
        id: "CloudFormation-Validate::W1030",
        reason: "The topic ARN is used only under HasAlarmTopic, that is when the parameter is not empty.",
      });
    }
    if (drainer.accessEntry) drainer.accessEntry.cfnOptions.condition = createAccessEntry;
    this.placeLaunchHooks(parameters, hasGroup, launchOn);
    this.placeInVpc(parameters, inVpc);

    new CfnOutput(this, "RoleArn", {
      description:
        "The drainer's IAM role: the principal of the access entry, or of the aws-auth mapRoles entry",
      value: drainer.role.roleArn,
    });
    new CfnOutput(this, "QueueUrl", { value: drainer.queue.queueUrl });
    new CfnOutput(this, "DeadLetterQueueUrl", { value: drainer.deadLetterQueue.queueUrl });
    new CfnOutput(this, "FunctionName", { value: drainer.function.functionName });
  }

  /**
   * Launch hook n exists when group n does and LaunchHooks is true. The launch rule always exists (the
   * queue's policy names it): without hooks it matches nothing.
   */
  private placeLaunchHooks(
    parameters: TemplateParameters,
    hasGroup: CfnCondition[],
    launchOn: CfnCondition,
  ): void {
    const launch = this.drainer.launchHooks;
    if (launch === undefined) return;
    launch.hooks.forEach((hook, index) => {
      const group = hasGroup[index];
      if (group === undefined) return;
      hook.cfnOptions.condition = new CfnCondition(this, `HasLaunchHook${index + 1}`, {
        expression: Fn.conditionAnd(group, launchOn),
      });
      hook.lifecycleHookName = `eks-node-drainer-launch-${index + 1}`;
    });
    (launch.rule.node.defaultChild as events.CfnRule).addPropertyOverride(
      "EventPattern.detail.AutoScalingGroupName",
      parameters.asgNames.valueAsList,
    );
  }

  /** With SubnetIds set, the function runs in the VPC and may manage its network interfaces. */
  private placeInVpc(parameters: TemplateParameters, inVpc: CfnCondition): void {
    const networkAccess = new iam.Policy(this, "VpcNetworkAccess", {
      roles: [this.drainer.role],
      statements: [
        new iam.PolicyStatement({
          sid: "ManageVpcNetworkInterfaces",
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
      ],
    });
    const policyResource = networkAccess.node.defaultChild as CfnResource;
    policyResource.cfnOptions.condition = inVpc;
    acknowledgeWildcardResource(
      networkAccess,
      "*",
      "The network-interface actions Lambda needs to run in a VPC support no resource-level scoping at function creation; the policy exists only when SubnetIds is set.",
    );

    const fn = this.drainer.function.node.defaultChild as lambda.CfnFunction;
    fn.addPropertyOverride(
      "VpcConfig",
      Fn.conditionIf(
        inVpc.logicalId,
        {
          SubnetIds: parameters.subnetIds.valueAsList,
          SecurityGroupIds: parameters.securityGroupIds.valueAsList,
        },
        Aws.NO_VALUE,
      ),
    );
    const onlyInVpc =
      "SubnetIds and SecurityGroupIds are used only under InVpc, that is when SubnetIds is not empty.";
    Validations.of(this.drainer.function).acknowledge(
      { id: "CloudFormation-Validate::F3031", reason: onlyInVpc },
      { id: "CloudFormation-Validate::E1150", reason: onlyInVpc },
    );
    // DependsOn cannot name a resource that may not exist; a conditional reference orders them instead.
    fn.addMetadata("NetworkAccessPolicy", Fn.conditionIf(inVpc.logicalId, policyResource.ref, ""));
  }

  /** PutObject on the report bucket's objects, in a policy of its own that exists only with a bucket. */
  private grantReports(parameters: TemplateParameters, hasReportBucket: CfnCondition): void {
    const objects = `arn:${Aws.PARTITION}:s3:::${parameters.reportBucket.valueAsString}/*`;
    const policy = new iam.Policy(this, "ReportPolicy", {
      roles: [this.drainer.role],
      statements: [
        new iam.PolicyStatement({ sid: "DrainReports", actions: ["s3:PutObject"], resources: [objects] }),
      ],
    });
    (policy.node.defaultChild as iam.CfnPolicy).cfnOptions.condition = hasReportBucket;
    acknowledgeWildcardResource(
      policy,
      objects,
      "Drain reports are keyed by cluster, node and the drain's start, unknown at deploy time: PutObject on any key of the one bucket the ReportBucket parameter names.",
    );
  }

  private describeParameters(parameters: TemplateParameters): void {
    const ids = (names: (keyof TemplateParameters)[]) => names.map((name) => parameters[name].logicalId);
    this.templateOptions.metadata = {
      "AWS::CloudFormation::Interface": {
        ParameterGroups: [
          { Label: { default: "Cluster and groups" }, Parameters: ids(["clusterName", "asgNames"]) },
          { Label: { default: "Lifecycle hook" }, Parameters: ids(["heartbeatTimeout", "defaultResult"]) },
          {
            Label: { default: "Launch hooks" },
            Parameters: ids(["launchHooks", "launchSettleSeconds", "launchTimeoutResult"]),
          },
          {
            Label: { default: "Drain" },
            Parameters: ids([
              "onDeadline",
              "deadlineResult",
              "drainTimeoutSeconds",
              "evictDaemonSets",
              "deleteNode",
              "settleSeconds",
              "waitForVolumeDetach",
              "surge",
            ]),
          },
          { Label: { default: "Lambda code" }, Parameters: ids(["codeBucket", "codeKey"]) },
          {
            Label: { default: "Kubernetes identity" },
            Parameters: ids(["kubernetesGroup", "createAccessEntry"]),
          },
          {
            Label: { default: "Operations and network" },
            Parameters: ids([
              "alarmTopicArn",
              "reportBucket",
              "logRetentionDays",
              "subnetIds",
              "securityGroupIds",
            ]),
          },
        ],
      },
    };
  }
}
