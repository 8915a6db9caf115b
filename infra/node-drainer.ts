import { join } from "node:path";
import { Annotations, Validations } from "aws-cdk-lib";
import type * as autoscaling from "aws-cdk-lib/aws-autoscaling";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as eks from "aws-cdk-lib/aws-eks";
import type * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { NodejsFunction } from "aws-cdk-lib/aws-lambda-nodejs";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as s3 from "aws-cdk-lib/aws-s3";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DrainerAlarms } from "./drainer-alarms.js";
import {
  checkEnvironment,
  type DrainerEnvironment,
  drainEnvironment,
  type SettingName,
} from "./drainer-environment.js";
import { grantDrainerPermissions, grantSelfInvocation } from "./drainer-permissions.js";
import { handlerEntry, handlerExport, nodejsBundling, projectRoot } from "./lambda-bundle.js";
import { createLaunchHooks, type LaunchHooks, launchEnvironment } from "./launch-hooks.js";
import {
  defaults,
  functionTimeout,
  NodeDrainerConfigError,
  type NodeDrainerProps,
  validateProps,
} from "./node-drainer-props.js";
import { createNoticePipeline } from "./notice-pipeline.js";
import { createReportBucket } from "./report-bucket.js";

export type { AutoScalingGroupRef, LifecycleDefaultResult, NodeDrainerProps } from "./node-drainer-props.js";
export { terminateDetailType } from "./notice-pipeline.js";
export { NodeDrainerConfigError };

/**
 * Drains the Kubernetes nodes of one EKS cluster before EC2 Auto Scaling terminates them: terminate
 * lifecycle hook on each group → EventBridge rule → SQS queue (+ dead-letter queue) → Lambda, with the
 * least IAM the drainer needs, its Kubernetes identity (EKS access entry) and alarms.
 */
export class NodeDrainer extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly rule: events.Rule;
  readonly lifecycleHooks: autoscaling.CfnLifecycleHook[];
  readonly logGroup: logs.LogGroup;
  readonly accessEntry?: eks.CfnAccessEntry;
  /** One access entry per served cluster besides `clusterName` (whose entry is `accessEntry`). */
  readonly servedAccessEntries: eks.CfnAccessEntry[] = [];
  /** Present when `launchHooks` is on. */
  readonly launchHooks?: LaunchHooks;
  /** Present when `reportBucket` is on: where each drain's HTML report goes. */
  readonly reportBucket?: s3.Bucket;
  readonly selfInvocationPolicy: iam.Policy;
  readonly alarms: DrainerAlarms;

  constructor(scope: Construct, id: string, props: NodeDrainerProps) {
    super(scope, id);
    validateProps(props);
    const pipeline = createNoticePipeline(this, props);
    const groupNames = pipeline.groupNames;
    this.lifecycleHooks = pipeline.lifecycleHooks;
    this.queue = pipeline.queue;
    this.deadLetterQueue = pipeline.deadLetterQueue;
    this.rule = pipeline.rule;
    const launchHooks = createLaunchHooks(this, props, pipeline);
    if (launchHooks !== undefined) this.launchHooks = launchHooks;

    this.logGroup = new logs.LogGroup(this, "LogGroup", {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.role = new iam.Role(this, "Role", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: "eks-node-drainer: cordons and drains nodes, completes lifecycle actions",
    });
    this.logGroup.grantWrite(this.role);
    grantDrainerPermissions(this.role, {
      clusterNames: [props.clusterName, ...(props.servedClusters ?? [])],
      autoScalingGroupNames: groupNames,
      inVpc: props.vpc !== undefined,
      ...(props.deregisterTargetGroups === undefined
        ? {}
        : { deregisterTargetGroupArns: props.deregisterTargetGroups }),
    });
    this.queue.grantSendMessages(this.role);

    const environment: DrainerEnvironment = {
      CLUSTER_NAME: props.clusterName,
      ASG_NAMES: groupNames.join(","),
      QUEUE_URL: this.queue.queueUrl,
      ...drainEnvironment(props.drain, (warning) =>
        Annotations.of(this).addWarningV2("eks-node-drainer:on-deadline-older-spelling", warning),
      ),
      ...(launchHooks === undefined ? {} : launchEnvironment(launchHooks.settings)),
    };
    if ((props.deregisterTargetGroups ?? []).length > 0) environment.DEREGISTER_TARGETS = "true";
    if (props.servedClusters) {
      environment.SERVED_CLUSTERS = [props.clusterName, ...props.servedClusters].join(",");
    }
    if (props.notificationTopic) {
      environment.NOTIFY_TOPIC_ARN = props.notificationTopic.topicArn;
      props.notificationTopic.grantPublish(this.role);
    }
    if (props.webhookUrl) {
      const source = props.webhookUrl;
      environment.WEBHOOK_URL_PARAMETER = "secretArn" in source ? source.secretArn : source.parameterArn;
      source.grantRead(this.role);
    }
    if (props.reportBucket !== undefined && props.reportBucket !== false) {
      const settings = props.reportBucket === true ? {} : props.reportBucket;
      this.reportBucket = createReportBucket(this, this.role, settings);
      environment.REPORT_BUCKET = this.reportBucket.bucketName;
    }
    checkEnvironment(environment);

    const options = {
      description: "eks-node-drainer: drains Kubernetes nodes before Auto Scaling terminates them",
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: functionTimeout,
      memorySize: props.memorySize ?? defaults.memorySize,
      role: this.role,
      logGroup: this.logGroup,
      environment: environment as Record<string, string>,
      ...(props.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.reservedConcurrency }),
      ...(props.vpc
        ? { vpc: props.vpc, vpcSubnets: props.vpcSubnets, securityGroups: props.securityGroups }
        : {}),
    } satisfies lambda.FunctionOptions & { runtime: lambda.Runtime };
    this.function = props.code
      ? new lambda.Function(this, "Function", {
          ...options,
          code: props.code,
          handler: props.handler ?? "index.handler",
        })
      : new NodejsFunction(this, "Function", {
          ...options,
          entry: handlerEntry,
          handler: handlerExport,
          projectRoot,
          depsLockFilePath: join(projectRoot, "package-lock.json"),
          bundling: nodejsBundling,
        });
    Validations.of(this.function).acknowledge({
      id: "AwsSolutions-L1",
      reason:
        "The handler is built for Node.js 22 (package.json engines, esbuild target node22); a runtime upgrade is a tested change of its own.",
    });
    this.selfInvocationPolicy = grantSelfInvocation(this, this.function, this.role);
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? defaults.batchSize,
        reportBatchItemFailures: true,
      }),
    );
    if (props.clusterSecurityGroup) {
      this.function.connections.allowTo(
        props.clusterSecurityGroup,
        ec2.Port.tcp(443),
        "node drainer to the API server",
      );
    }

    if (props.accessEntry ?? true) {
      // The role's Kubernetes identity in every cluster it drains; deploy/rbac.yaml binds the group.
      const entry = (id: string, clusterName: string) =>
        new eks.CfnAccessEntry(this, id, {
          clusterName,
          principalArn: this.role.roleArn,
          kubernetesGroups: [props.kubernetesGroup ?? defaults.kubernetesGroup],
          type: "STANDARD",
        });
      this.accessEntry = entry("AccessEntry", props.clusterName);
      const others = new Set((props.servedClusters ?? []).filter((name) => name !== props.clusterName));
      for (const name of others) this.servedAccessEntries.push(entry(`AccessEntry-${name}`, name));
    }

    this.alarms = new DrainerAlarms(this, "Alarms", {
      function: this.function,
      deadLetterQueue: this.deadLetterQueue,
      ...(props.alarmTopic ? { topic: props.alarmTopic } : {}),
    });
  }

  /** Sets one of the Lambda's settings (src/lifecycle/settings.ts) after construction, e.g. to a template parameter. */
  setSetting(name: SettingName, value: string): void {
    this.function.addEnvironment(name, value);
  }
}
