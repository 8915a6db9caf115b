import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseScenario, type SimCluster, startSimCluster } from "../../../src/sim/index.js";
import { type FakeAws, startFakeAws } from "../../support/fake-aws.js";
import { expectedSignature } from "../../support/sigv4-check.js";
import { type BuiltBundle, buildBundle } from "./support/bundle-build.js";
import { type BundleRun, invokeBundle } from "./support/bundle-process.js";
import { type DrainerAws, drainerAws } from "./support/drainer-aws.js";

// A whole drain through the shipped bundle, not the sources: its `handler` builds the real AWS clients
// (pointed at a fake AWS endpoint by AWS_ENDPOINT_URL, as the SDK allows), finds the cluster from the
// instance's tags over the signed EC2 Query API, describes it in EKS, mints an EKS token, drains the node of
// the simulated cluster with the bundled client-node and undici, and completes the lifecycle action.

const drainedNode = "ip-10-0-1-10.us-west-2.compute.internal";
const drainedInstance = "i-0a1b2c3d4e5f60001";
const token = "87654321-4321-4321-4321-210987654321";
const scenario = `
controllerDelaySeconds: 0.05
podGcSeconds: 1
nodes:
  - { name: ${drainedNode}, instanceId: ${drainedInstance}, availabilityZone: us-west-2a }
  - { name: ip-10-0-1-11.us-west-2.compute.internal, instanceId: i-0a1b2c3d4e5f60002, availabilityZone: us-west-2a }
workloads:
  - kind: Deployment
    name: api
    namespace: shop
    replicas: 3
    node: ${drainedNode}
    pdb: { maxUnavailable: 1 }
    shutdownSeconds: 0.1
    startupSeconds: 0.3
  - kind: DaemonSet
    name: kube-proxy
    namespace: kube-system
`;
const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/EXAMPLEKEY" };

const workDir = mkdtempSync(join(tmpdir(), "eks-node-drainer-bundled-drain-"));
let bundle: BuiltBundle;
let sim: SimCluster;
let aws: DrainerAws;
let endpoint: FakeAws;
let run: BundleRun;

beforeAll(async () => {
  bundle = await buildBundle(workDir);
  sim = await startSimCluster(parseScenario(scenario, "bundled drain"), {
    acceptToken: (bearer) => bearer.startsWith("k8s-aws-v1."),
  });
  aws = drainerAws({
    cluster: { name: "prod", server: sim.server, caData: sim.caData },
    hook: { asgName: "prod-workers", hookName: "drain-before-terminate", heartbeatTimeoutSeconds: 300 },
    instances: [
      {
        instanceId: drainedInstance,
        privateDnsName: drainedNode,
        availabilityZone: "us-west-2a",
        state: "running",
        tags: { "eks:cluster-name": "prod", "aws:autoscaling:groupName": "prod-workers" },
      },
    ],
  });
  endpoint = await startFakeAws(aws.route);
  run = await invokeBundle(bundle.path, terminateEvent(), {
    AWS_REGION: "us-west-2",
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL: endpoint.url,
    AWS_EC2_METADATA_DISABLED: "true",
  });
}, 180_000);

afterAll(async () => {
  await endpoint?.close();
  await sim?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

/** The EventBridge event of a terminate hook without NotificationMetadata: the cluster comes from tags. */
function terminateEvent() {
  return {
    version: "0",
    id: "7bf73129-1428-4cd3-a780-95db273d1602",
    "detail-type": "EC2 Instance-terminate Lifecycle Action",
    source: "aws.autoscaling",
    account: "123456789012",
    time: new Date().toISOString(),
    region: "us-west-2",
    resources: [
      "arn:aws:autoscaling:us-west-2:123456789012:autoScalingGroup:6f1c2a44-3b9e-4d1e-9a51-0c7f2b8e5d10:autoScalingGroupName/prod-workers",
    ],
    detail: {
      LifecycleActionToken: token,
      AutoScalingGroupName: "prod-workers",
      LifecycleHookName: "drain-before-terminate",
      EC2InstanceId: drainedInstance,
      LifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
    },
  };
}

describe("a drain through the bundled handler", () => {
  it("answers that it completed the lifecycle action with CONTINUE", () => {
    expect(run.error, run.stderr).toBeUndefined();
    expect(run.result).toMatchObject({
      outcome: { kind: "completed", result: "CONTINUE", completion: "completed", nodeName: drainedNode },
    });
  });

  it("completed the action exactly once, with the notice's token", () => {
    expect(aws.completions).toEqual([{ instanceId: drainedInstance, token, result: "CONTINUE" }]);
  });

  it("cordoned the node and evicted its pods, which run elsewhere, the budget never broken", () => {
    expect(sim.view.node(drainedNode)?.spec?.unschedulable).toBe(true);
    expect(sim.view.pods({ nodeName: drainedNode, namespace: "shop" })).toEqual([]);
    expect(
      sim.view.pods({ namespace: "shop" }).filter((pod) => pod.spec?.nodeName !== drainedNode),
    ).toHaveLength(3);
    expect(sim.recorder.violations()).toEqual([]);
  });

  it("found the cluster through a correctly signed DescribeInstances, then described it in EKS", () => {
    expect(aws.calls.indexOf("ec2 DescribeInstances")).toBeGreaterThanOrEqual(0);
    expect(aws.calls.indexOf("ec2 DescribeInstances")).toBeLessThan(aws.calls.indexOf("eks DescribeCluster"));
    const describe = endpoint.requests.find((request) => request.form.get("Action") === "DescribeInstances");
    if (describe === undefined) throw new Error("no DescribeInstances request");
    expect(describe.form.get("InstanceId.1")).toBe(drainedInstance);
    const signature = /Signature=([0-9a-f]{64})/.exec(String(describe.headers.authorization))?.[1];
    expect(signature).toBe(expectedSignature(describe, credentials.secretAccessKey));
  });
});
