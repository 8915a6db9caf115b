import { CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import * as sns from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import type { AppContext } from "./app-context.js";
import { NodeDrainerWorker } from "./node-drainer-worker.js";
import { reportBucketOf } from "./report-bucket.js";

export interface NodeDrainerWorkerStackProps extends StackProps {
  readonly config: AppContext;
}

/**
 * `npx cdk deploy ... -c mode=worker`: the notices pipeline and the IAM role of the in-cluster queue worker
 * (deploy/in-cluster/). The drain settings are the worker's flags, not the stack's.
 */
export class NodeDrainerWorkerStack extends Stack {
  readonly worker: NodeDrainerWorker;

  constructor(scope: Construct, id: string, props: NodeDrainerWorkerStackProps) {
    super(scope, id, props);
    const config = props.config;
    this.worker = new NodeDrainerWorker(this, "NodeDrainer", {
      clusterName: config.clusterName,
      autoScalingGroups: config.asgNames,
      ...(config.heartbeatTimeout === undefined
        ? {}
        : { heartbeatTimeout: Duration.seconds(config.heartbeatTimeout) }),
      ...(config.defaultResult === undefined ? {} : { defaultResult: config.defaultResult }),
      ...(config.lifecycleHookName === undefined ? {} : { lifecycleHookName: config.lifecycleHookName }),
      ...(config.launchHooks === undefined ? {} : { launchHooks: config.launchHooks }),
      ...reportBucketOf(config),
      ...(config.alarmTopicArn === undefined
        ? {}
        : { alarmTopic: sns.Topic.fromTopicArn(this, "AlarmTopic", config.alarmTopicArn) }),
      ...(config.notificationTopicArn === undefined
        ? {}
        : {
            notificationTopic: sns.Topic.fromTopicArn(this, "NotificationTopic", config.notificationTopicArn),
          }),
    });
    new CfnOutput(this, "RoleArn", {
      description: "The queue worker's IAM role (EKS Pod Identity of eks-node-drainer/eks-node-drainer)",
      value: this.worker.role.roleArn,
    });
    new CfnOutput(this, "QueueUrl", {
      description: "serve --queue-url",
      value: this.worker.queue.queueUrl,
    });
    new CfnOutput(this, "DeadLetterQueueUrl", { value: this.worker.deadLetterQueue.queueUrl });
    if (this.worker.reportBucket !== undefined) {
      new CfnOutput(this, "ReportBucket", {
        description: "REPORT_BUCKET of the worker's Deployment: where each drain's HTML report goes",
        value: this.worker.reportBucket.bucketName,
      });
    }
  }
}
