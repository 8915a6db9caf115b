import { CfnParameter } from "aws-cdk-lib";
import type { Construct } from "constructs";
import { SURGE_MODES } from "../src/drain/surge-policy.js";
import { deadlineResultChoices, onDeadlineChoices, settingDefaults } from "./drainer-environment.js";
import { launchDefaults } from "./launch-hooks.js";
import { defaults } from "./node-drainer-props.js";

/** Log retention periods CloudWatch Logs accepts, in days. */
const retentionDays = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
].map(String);

const booleans = ["true", "false"];

/** At most this many Auto Scaling groups in the plain template: CloudFormation cannot loop over a list. */
export const maxTemplateGroups = 8;

/** The parameters of deploy/eks-node-drainer.template.json, in the order the console shows them. */
export function templateParameters(scope: Construct) {
  const parameter = (id: string, props: ConstructorParameters<typeof CfnParameter>[2]) =>
    new CfnParameter(scope, id, props);
  return {
    clusterName: parameter("ClusterName", {
      type: "String",
      description: "Name of the EKS cluster whose nodes are drained.",
      allowedPattern: "^[0-9A-Za-z][A-Za-z0-9\\-_]{0,99}$",
    }),
    asgNames: parameter("AsgNames", {
      type: "CommaDelimitedList",
      description: `Names of the Auto Scaling groups to hook, comma-separated; at most ${maxTemplateGroups} (use the CDK app for more).`,
    }),
    heartbeatTimeout: parameter("HeartbeatTimeout", {
      type: "Number",
      description:
        "Seconds a lifecycle action waits without a heartbeat (30-7200); keep it above the queue's visibility timeout (1200 s).",
      minValue: 30,
      maxValue: 7200,
      default: defaults.heartbeatTimeout.toSeconds(),
    }),
    defaultResult: parameter("DefaultResult", {
      type: "String",
      description: "Result when the heartbeat timeout passes (both terminate; ABANDON skips later hooks).",
      allowedValues: ["CONTINUE", "ABANDON"],
      default: defaults.defaultResult,
    }),
    launchHooks: parameter("LaunchHooks", {
      type: "String",
      description:
        "Also hook launches: an instance goes in service only once its Node is Ready and has stayed Ready for LaunchSettleSeconds.",
      allowedValues: booleans,
      default: "false",
    }),
    launchSettleSeconds: parameter("LaunchSettleSeconds", {
      type: "Number",
      description: "Seconds a launched instance's Node must stay Ready before its launch action completes.",
      minValue: 0,
      default: launchDefaults.settle.toSeconds(),
    }),
    launchTimeoutResult: parameter("LaunchTimeoutResult", {
      type: "String",
      description:
        "Result of a launch action whose Node is not Ready in time (ABANDON terminates the instance and stops an instance refresh).",
      allowedValues: ["CONTINUE", "ABANDON"],
      default: launchDefaults.timeoutResult,
    }),
    onDeadline: parameter("OnDeadline", {
      type: "String",
      description:
        "At the drain deadline: force (delete what is left, with grace, then CONTINUE) or leave (delete nothing; DeadlineResult answers). abandon and default-result: older spellings of leave with that DeadlineResult (which then is ignored).",
      allowedValues: [...onDeadlineChoices],
      default: settingDefaults.ON_DEADLINE,
    }),
    deadlineResult: parameter("DeadlineResult", {
      type: "String",
      description:
        "Under OnDeadline=leave, how the lifecycle action of a drain left at its deadline is answered: abandon (ABANDON at once) or default-result (no call: DefaultResult applies when the heartbeat timeout passes).",
      allowedValues: [...deadlineResultChoices],
      default: settingDefaults.DEADLINE_RESULT,
    }),
    drainTimeoutSeconds: parameter("DrainTimeoutSeconds", {
      type: "Number",
      description: "Upper bound of one drain in seconds (the hook's global timeout also bounds it).",
      minValue: 1,
      default: settingDefaults.DRAIN_TIMEOUT_SECONDS,
    }),
    evictDaemonSets: parameter("EvictDaemonSets", {
      type: "String",
      description: "Evict DaemonSet pods too, as the last tier.",
      allowedValues: booleans,
      default: String(settingDefaults.EVICT_DAEMONSETS),
    }),
    deleteNode: parameter("DeleteNode", {
      type: "String",
      description: "Delete the Node object after a successful drain.",
      allowedValues: booleans,
      default: String(settingDefaults.DELETE_NODE),
    }),
    settleSeconds: parameter("SettleSeconds", {
      type: "Number",
      description: "Seconds to wait after the drain before completing the lifecycle action.",
      minValue: 0,
      default: settingDefaults.SETTLE_SECONDS,
    }),
    waitForVolumeDetach: parameter("WaitForVolumeDetach", {
      type: "String",
      description: "Wait for the drained pods' volumes to detach before completing.",
      allowedValues: booleans,
      default: String(settingDefaults.WAIT_FOR_VOLUME_DETACH),
    }),
    surge: parameter("Surge", {
      type: "String",
      description:
        'Which Deployments get their replacement Ready before their pods are evicted: off, annotated (eks-node-drainer/surge: "true"), singletons, blocked.',
      allowedValues: [...SURGE_MODES],
      default: settingDefaults.SURGE,
    }),
    waitForTargetDeregistration: parameter("WaitForTargetDeregistration", {
      type: "String",
      description:
        "Wait, before completing, until the node's load balancer targets are deregistered: empty waits whenever a target group has the node's targets.",
      allowedValues: ["", ...booleans],
      default: "",
    }),
    spotDeadlineMarginSeconds: parameter("SpotDeadlineMarginSeconds", {
      type: "Number",
      description:
        "A Spot interruption warning's drain ends this many seconds before the two minutes are up.",
      minValue: 0,
      maxValue: 110,
      default: settingDefaults.SPOT_DEADLINE_MARGIN_SECONDS,
    }),
    rebalanceAction: parameter("RebalanceAction", {
      type: "String",
      description: "What an EC2 Instance Rebalance Recommendation does to the node: cordon or drain.",
      allowedValues: ["cordon", "drain"],
      default: settingDefaults.REBALANCE_ACTION,
    }),
    codeBucket: parameter("CodeBucket", {
      type: "String",
      description:
        "S3 bucket (same region) holding the Lambda package built by `npx tsx infra/package-lambda.ts`.",
      minLength: 3,
    }),
    codeKey: parameter("CodeKey", {
      type: "String",
      description: "S3 key of the Lambda package; a new key per version updates the function.",
      minLength: 1,
    }),
    kubernetesGroup: parameter("KubernetesGroup", {
      type: "String",
      description: "Kubernetes group of the function's role (deploy/rbac.yaml binds eks-node-drainer).",
      allowedPattern: "^(?!system:).+$",
      default: defaults.kubernetesGroup,
    }),
    createAccessEntry: parameter("CreateAccessEntry", {
      type: "String",
      description:
        "Create an EKS access entry for the role (cluster authentication mode API or API_AND_CONFIG_MAP); false for CONFIG_MAP clusters (use deploy/aws-auth-snippet.yaml).",
      allowedValues: booleans,
      default: "true",
    }),
    alarmTopicArn: parameter("AlarmTopicArn", {
      type: "String",
      description: "Optional SNS topic ARN the alarms notify; empty for none.",
      default: "",
    }),
    reportBucket: parameter("ReportBucket", {
      type: "String",
      description:
        "Optional name of an existing S3 bucket for drain reports (REPORT_BUCKET: one HTML page per drain, under <cluster>/<node>/<drain start>.html); the function may only put objects in it. Empty for none.",
      default: "",
      allowedPattern: "^$|^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
    }),
    logRetentionDays: parameter("LogRetentionDays", {
      type: "Number",
      description: "Retention of the function's log group, in days.",
      allowedValues: retentionDays,
      default: 30,
    }),
    subnetIds: parameter("SubnetIds", {
      type: "CommaDelimitedList",
      description: "Optional private subnets for the function (private cluster endpoint); empty for none.",
      default: "",
    }),
    securityGroupIds: parameter("SecurityGroupIds", {
      type: "CommaDelimitedList",
      description:
        "Security groups for the function when SubnetIds is set; the cluster must accept HTTPS from them.",
      default: "",
    }),
  };
}

export type TemplateParameters = ReturnType<typeof templateParameters>;
