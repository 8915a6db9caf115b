import { Duration } from "aws-cdk-lib";
import type * as autoscaling from "aws-cdk-lib/aws-autoscaling";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import * as eks from "aws-cdk-lib/aws-eks";
import type * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { grantDrainerPermissions } from "./drainer-permissions.js";
import { createLaunchHooks, type LaunchHooks } from "./launch-hooks.js";
import { type NodeDrainerProps, validateProps } from "./node-drainer-props.js";
import { createNoticePipeline } from "./notice-pipeline.js";
import { createReportBucket } from "./report-bucket.js";

/** The Kubernetes service account the worker runs as (deploy/in-cluster/service-account.yaml). */
export interface WorkerServiceAccount {
  readonly namespace: string;
  readonly name: string;
}

export interface NodeDrainerWorkerProps
  extends Pick<
    NodeDrainerProps,
    | "clusterName"
    | "autoScalingGroups"
    | "heartbeatTimeout"
    | "defaultResult"
    | "lifecycleHookName"
    | "maxReceiveCount"
    | "queueVisibilityTimeout"
    | "notificationTopic"
    | "webhookUrl"
    | "alarmTopic"
    | "launchHooks"
    | "deregisterTargetGroups"
    | "reportBucket"
  > {
  /** Default eks-node-drainer/eks-node-drainer, as deploy/in-cluster has it. */
  readonly serviceAccount?: WorkerServiceAccount;
  /**
   * Associate the role with the service account through EKS Pod Identity (needs the EKS Pod Identity
   * Agent add-on). Set false to use IRSA instead: add a trust for the cluster's OIDC provider to `role`
   * and annotate the service account with its ARN. Default true.
   */
  readonly podIdentity?: boolean;
}

/**
 * The worker mode of the node drainer: the same lifecycle hooks, EventBridge rule and notices queue (+
 * dead-letter queue) as NodeDrainer, and instead of the Lambda an IAM role for the in-cluster queue worker
 * (`eks-node-drainer serve`, deploy/in-cluster/): lifecycle actions, EC2 lookups, the queue, and the
 * notification channels; assumed by the worker's service account through EKS Pod Identity. Kubernetes
 * permissions come from the service account's RBAC binding, not from an access entry.
 */
export class NodeDrainerWorker extends Construct {
  readonly role: iam.Role;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly rule: events.Rule;
  readonly lifecycleHooks: autoscaling.CfnLifecycleHook[];
  readonly podIdentityAssociation?: eks.CfnPodIdentityAssociation;
  /** Present when `launchHooks` is on; set LAUNCH_SETTLE_SECONDS and LAUNCH_TIMEOUT_RESULT in the worker's Deployment to match. */
  readonly launchHooks?: LaunchHooks;
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** Present when `reportBucket` is on: set REPORT_BUCKET in the worker's Deployment to its name. */
  readonly reportBucket?: s3.Bucket;

  constructor(scope: Construct, id: string, props: NodeDrainerWorkerProps) {
    super(scope, id);
    validateProps(props);
    const pipeline = createNoticePipeline(this, props);
    this.lifecycleHooks = pipeline.lifecycleHooks;
    this.queue = pipeline.queue;
    this.deadLetterQueue = pipeline.deadLetterQueue;
    this.rule = pipeline.rule;
    const launchHooks = createLaunchHooks(this, props, pipeline);
    if (launchHooks !== undefined) this.launchHooks = launchHooks;

    const account = props.serviceAccount ?? { namespace: "eks-node-drainer", name: "eks-node-drainer" };
    this.role = new iam.Role(this, "WorkerRole", {
      // EKS Pod Identity: https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
      assumedBy: new iam.ServicePrincipal("pods.eks.amazonaws.com").withSessionTags(),
      description: "eks-node-drainer queue worker: completes lifecycle actions, reads the notices queue",
    });
    grantDrainerPermissions(this.role, {
      clusterNames: [props.clusterName],
      autoScalingGroupNames: pipeline.groupNames,
      inVpc: false,
      ...(props.deregisterTargetGroups === undefined
        ? {}
        : { deregisterTargetGroupArns: props.deregisterTargetGroups }),
    });
    // Receive, extend visibility, delete; send continuations.
    this.queue.grantConsumeMessages(this.role);
    this.queue.grantSendMessages(this.role);
    props.notificationTopic?.grantPublish(this.role);
    props.webhookUrl?.grantRead(this.role);
    if (props.reportBucket !== undefined && props.reportBucket !== false) {
      const settings = props.reportBucket === true ? {} : props.reportBucket;
      this.reportBucket = createReportBucket(this, this.role, settings);
    }

    if (props.podIdentity ?? true) {
      this.podIdentityAssociation = new eks.CfnPodIdentityAssociation(this, "PodIdentityAssociation", {
        clusterName: props.clusterName,
        namespace: account.namespace,
        serviceAccount: account.name,
        roleArn: this.role.roleArn,
      });
    }

    this.deadLetterAlarm = new cloudwatch.Alarm(this, "DeadLetterAlarm", {
      alarmDescription: "Notices the queue worker could not handle reached the dead-letter queue.",
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) this.deadLetterAlarm.addAlarmAction(new SnsAction(props.alarmTopic));
  }
}
