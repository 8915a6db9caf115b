import { describeInstancesAnswer, ec2ErrorAnswer, type FakeInstance } from "../../../support/ec2-answers.js";
import type { AwsAnswer, AwsRequest, AwsRoute } from "../../../support/fake-aws.js";

/** The AWS side of a drain as the bundled handler sees it: EKS, Auto Scaling and EC2 on one fake endpoint. */
export interface DrainerAwsOptions {
  cluster: { name: string; server: string; caData: string };
  hook: { asgName: string; hookName: string; heartbeatTimeoutSeconds: number };
  instances: readonly FakeInstance[];
}

export interface LifecycleCompletion {
  instanceId: string;
  token: string;
  result: string;
}

export interface DrainerAws {
  route: AwsRoute;
  /** CompleteLifecycleAction calls that found the action waiting, in order. */
  completions: LifecycleCompletion[];
  /** Every call, by service and action: `eks DescribeCluster`, `autoscaling CompleteLifecycleAction`, ... */
  calls: string[];
}

const asgXmlns = "http://autoscaling.amazonaws.com/doc/2011-01-01/";
const requestId = "d3f2e1c0-1234-4a5b-8c9d-0e1f2a3b4c5d";

function xml(status: number, body: string): AwsAnswer {
  return { status, contentType: "text/xml", body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}` };
}

function asgAnswer(action: string, result = ""): AwsAnswer {
  return xml(
    200,
    `<${action}Response xmlns="${asgXmlns}"><${action}Result>${result}</${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  );
}

function asgError(code: string, message: string): AwsAnswer {
  return xml(
    400,
    `<ErrorResponse xmlns="${asgXmlns}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}

/** EKS DescribeCluster, Auto Scaling's lifecycle calls and EC2 DescribeInstances, with the real wire shapes. */
export function drainerAws(options: DrainerAwsOptions): DrainerAws {
  const completions: LifecycleCompletion[] = [];
  const calls: string[] = [];
  const completed = new Set<string>();

  const eks = (request: AwsRequest): AwsAnswer | undefined => {
    const match = /^\/clusters\/([^/?]+)/.exec(request.url);
    if (request.method !== "GET" || !match) return undefined;
    calls.push("eks DescribeCluster");
    const name = decodeURIComponent(match[1] ?? "");
    if (name !== options.cluster.name) {
      return {
        status: 404,
        contentType: "application/json",
        body: JSON.stringify({ message: `No cluster found for name: ${name}.` }),
      };
    }
    const cluster = {
      name,
      arn: `arn:aws:eks:us-west-2:123456789012:cluster/${name}`,
      createdAt: 1_795_000_000,
      version: "1.31",
      endpoint: options.cluster.server,
      roleArn: "arn:aws:iam::123456789012:role/eks-cluster-role",
      resourcesVpcConfig: { subnetIds: ["subnet-0123456789abcdef0"], endpointPublicAccess: false },
      kubernetesNetworkConfig: { serviceIpv4Cidr: "172.20.0.0/16", ipFamily: "ipv4" },
      status: "ACTIVE",
      certificateAuthority: { data: options.cluster.caData },
      platformVersion: "eks.12",
      accessConfig: { authenticationMode: "API_AND_CONFIG_MAP" },
      tags: {},
    };
    return { status: 200, contentType: "application/json", body: JSON.stringify({ cluster }) };
  };

  const autoScaling = (request: AwsRequest): AwsAnswer | undefined => {
    const action = request.form.get("Action") ?? "";
    calls.push(`autoscaling ${action}`);
    const { asgName, hookName, heartbeatTimeoutSeconds } = options.hook;
    if (action === "DescribeLifecycleHooks") {
      const hook = `<member><LifecycleHookName>${hookName}</LifecycleHookName><AutoScalingGroupName>${asgName}</AutoScalingGroupName><LifecycleTransition>autoscaling:EC2_INSTANCE_TERMINATING</LifecycleTransition><HeartbeatTimeout>${heartbeatTimeoutSeconds}</HeartbeatTimeout><GlobalTimeout>${heartbeatTimeoutSeconds * 100}</GlobalTimeout><DefaultResult>ABANDON</DefaultResult></member>`;
      const known = request.form.get("AutoScalingGroupName") === asgName;
      return asgAnswer(action, `<LifecycleHooks>${known ? hook : ""}</LifecycleHooks>`);
    }
    const instanceId = request.form.get("InstanceId") ?? "";
    const gone = () =>
      asgError("ValidationError", `No active Lifecycle Action found with instance ID ${instanceId}`);
    if (action === "RecordLifecycleActionHeartbeat") {
      return completed.has(instanceId) ? gone() : asgAnswer(action);
    }
    if (action === "CompleteLifecycleAction") {
      if (completed.has(instanceId)) return gone();
      completed.add(instanceId);
      completions.push({
        instanceId,
        token: request.form.get("LifecycleActionToken") ?? "",
        result: request.form.get("LifecycleActionResult") ?? "",
      });
      return asgAnswer(action);
    }
    return undefined;
  };

  const ec2 = (request: AwsRequest): AwsAnswer | undefined => {
    if (request.form.get("Action") !== "DescribeInstances") return undefined;
    calls.push("ec2 DescribeInstances");
    const id = request.form.get("InstanceId.1") ?? "";
    const instance = options.instances.find((candidate) => candidate.instanceId === id);
    return instance === undefined
      ? ec2ErrorAnswer(400, "InvalidInstanceID.NotFound", `The instance ID '${id}' does not exist`)
      : describeInstancesAnswer([[instance]]);
  };

  const route: AwsRoute = (request) => {
    const version = request.form.get("Version");
    if (version === "2011-01-01") return autoScaling(request);
    if (version === "2016-11-15") return ec2(request);
    return eks(request);
  };
  return { route, completions, calls };
}
