import {
  DeregisterTargetsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { afterEach, describe, expect, it } from "vitest";
import { kubeClientFromEndpoint } from "../../src/kube/kube-client.js";
import { listTargetGroupBindings } from "../../src/kube/target-group-bindings.js";
import { Elbv2Endpoint } from "../../src/sim/elbv2-endpoint.js";
import { TargetGroupDirectory, targetGroupSchema } from "../../src/sim/target-groups.js";
import { createManualClock } from "../../src/time/manual-clock.js";
import { nodeA, startCluster, threeNodes } from "./cluster-fixture.js";

const endpoints: Elbv2Endpoint[] = [];

afterEach(async () => {
  await Promise.all(endpoints.splice(0).map((endpoint) => endpoint.stop()));
});

async function elbv2(directory: TargetGroupDirectory) {
  const endpoint = new Elbv2Endpoint(directory);
  await endpoint.start();
  endpoints.push(endpoint);
  const client = new ElasticLoadBalancingV2Client({
    region: "us-west-2",
    endpoint: endpoint.url,
    credentials: { accessKeyId: "TEST", secretAccessKey: "TEST" },
    maxAttempts: 1,
  });
  return { endpoint, client };
}

function directoryOf(specs: unknown[]) {
  const clock = createManualClock();
  const directory = new TargetGroupDirectory(
    specs.map((spec) => targetGroupSchema.parse(spec)),
    clock,
  );
  return { clock, directory };
}

const states = (answer: {
  TargetHealthDescriptions?: { Target?: { Id?: string }; TargetHealth?: { State?: string } }[];
}) => (answer.TargetHealthDescriptions ?? []).map((item) => [item.Target?.Id, item.TargetHealth?.State]);

describe("the ELBv2 endpoint, through the real SDK client", () => {
  it("answers DescribeTargetHealth: healthy, draining for the deregistration delay, then gone", async () => {
    const { clock, directory } = directoryOf([
      { name: "web", targetType: "instance", deregistrationDelaySeconds: 30 },
    ]);
    const [group] = directory.all();
    if (group === undefined) throw new Error("no group");
    group.register("i-0a");
    group.register("i-0b");
    const { client } = await elbv2(directory);
    const describe = () => client.send(new DescribeTargetHealthCommand({ TargetGroupArn: group.arn }));

    expect(states(await describe())).toEqual([
      ["i-0a", "healthy"],
      ["i-0b", "healthy"],
    ]);
    await client.send(new DeregisterTargetsCommand({ TargetGroupArn: group.arn, Targets: [{ Id: "i-0a" }] }));
    expect(states(await describe())).toEqual([
      ["i-0a", "draining"],
      ["i-0b", "healthy"],
    ]);
    const draining = (await describe()).TargetHealthDescriptions?.[0]?.TargetHealth;
    expect(draining?.Reason).toBe("Target.DeregistrationInProgress");
    await clock.advance(29_000);
    expect(states(await describe())).toEqual([
      ["i-0a", "draining"],
      ["i-0b", "healthy"],
    ]);
    await clock.advance(1_000);
    expect(states(await describe())).toEqual([["i-0b", "healthy"]]);
  });

  it("answers a named target that is not registered as unused (Target.NotRegistered)", async () => {
    const { directory } = directoryOf([{ name: "api", targetType: "ip", port: 8080 }]);
    const [group] = directory.all();
    if (group === undefined) throw new Error("no group");
    const { client } = await elbv2(directory);
    const answer = await client.send(
      new DescribeTargetHealthCommand({
        TargetGroupArn: group.arn,
        Targets: [{ Id: "10.0.1.20", Port: 8080 }],
      }),
    );
    expect(answer.TargetHealthDescriptions).toEqual([
      expect.objectContaining({
        Target: { Id: "10.0.1.20", Port: 8080 },
        TargetHealth: expect.objectContaining({ State: "unused", Reason: "Target.NotRegistered" }),
      }),
    ]);
  });

  it("fails an unknown target group with the code TargetGroupNotFound, which the SDK types as TargetGroupNotFoundException", async () => {
    const { directory } = directoryOf([]);
    const { client } = await elbv2(directory);
    const failure = await client
      .send(
        new DescribeTargetHealthCommand({
          TargetGroupArn:
            "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/nope/0000000000000000",
        }),
      )
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({
      name: "TargetGroupNotFoundException",
      $metadata: { httpStatusCode: 400 },
    });
  });

  it("lists target groups with their target type", async () => {
    const { directory } = directoryOf([
      { name: "nodes", targetType: "instance", port: 30080 },
      { name: "pods", targetType: "ip", port: 8080 },
    ]);
    const { client } = await elbv2(directory);
    const answer = await client.send(new DescribeTargetGroupsCommand({}));
    expect(
      answer.TargetGroups?.map((group) => [group.TargetGroupName, group.TargetType, group.Port]),
    ).toEqual([
      ["nodes", "instance", 30080],
      ["pods", "ip", 8080],
    ]);
  });
});

describe("target groups in the simulated cluster", () => {
  const scenario = threeNodes(`
controllerDelaySeconds: 0.1
workloads:
  - kind: Deployment
    name: web
    namespace: shop
    replicas: 2
    node: ${nodeA}
    labels: { app: web }
targetGroups:
  - { name: ingress, targetType: instance, attachedToGroup: true, deregistrationDelaySeconds: 60 }
  - name: k8s-shop-web
    targetType: ip
    deregistrationDelaySeconds: 20
    binding: { namespace: shop, serviceName: web, podLabels: { app: web } }
  - name: k8s-shop-nodes
    targetType: instance
    deregistrationDelaySeconds: 10
    binding: { namespace: shop, serviceName: web-nodeport }
`);

  it("serves a TargetGroupBinding per bound target group, which the drainer's adapter lists", async () => {
    const { cluster } = await startCluster(scenario, { manualClock: true });
    const client = kubeClientFromEndpoint({
      server: cluster.server,
      caData: cluster.caData,
      token: async () => cluster.token,
    });
    try {
      const bound = await listTargetGroupBindings(client);
      const arnOf = (name: string) => cluster.targetGroups.all().find((group) => group.name === name)?.arn;
      expect(bound).toEqual([
        { binding: "shop/k8s-shop-nodes", targetGroupArn: arnOf("k8s-shop-nodes"), targetType: "instance" },
        { binding: "shop/k8s-shop-web", targetGroupArn: arnOf("k8s-shop-web"), targetType: "ip" },
      ]);
    } finally {
      await client.close();
    }
  });

  it("registers Ready pods as ip targets and every instance in the group's and bound instance groups", async () => {
    const { cluster } = await startCluster(scenario, { manualClock: true });
    const [ingress, web, nodes] = cluster.targetGroups.all();
    const podIps = cluster.view.pods({ namespace: "shop" }).map((pod) => pod.status.podIP);
    expect(
      web
        ?.targets()
        .map((target) => target.id)
        .sort(),
    ).toEqual([...podIps].sort());
    expect(ingress?.targets().map((target) => target.id)).toHaveLength(3);
    expect(nodes?.targets().map((target) => target.id)).toHaveLength(3);
    expect(cluster.targetGroups.attachedToGroup()).toEqual([ingress?.arn]);
  });

  it("deregisters a deleted pod's IP, which drains for the group's delay", async () => {
    const { cluster, core, clock } = await startCluster(scenario, { manualClock: true });
    if (clock === undefined) throw new Error("manual clock expected");
    const web = cluster.targetGroups.all()[1];
    const pod = cluster.view.pods({ namespace: "shop" })[0];
    const name = pod?.metadata.name ?? "";
    await core.deleteNamespacedPod({ namespace: "shop", name });
    await clock.advance(200);
    expect(web?.targets().find((target) => target.id === pod?.status.podIP)?.state).toBe("draining");
    await clock.advance(20_000);
    expect(web?.targets().find((target) => target.id === pod?.status.podIP)).toBeUndefined();
  });

  it("deregisters an instance from bound instance groups once it is excluded from load balancers", async () => {
    const { cluster, request, clock } = await startCluster(scenario, { manualClock: true });
    if (clock === undefined) throw new Error("manual clock expected");
    const [ingress, , nodes] = cluster.targetGroups.all();
    const instanceId =
      cluster.view.instances().find((instance) => instance.nodeName === nodeA)?.instanceId ?? "";
    const patched = await request("PATCH", `/api/v1/nodes/${nodeA}`, {
      body: { metadata: { labels: { "node.kubernetes.io/exclude-from-external-load-balancers": "true" } } },
      contentType: "application/merge-patch+json",
    });
    expect(patched.status).toBe(200);
    await clock.advance(200);
    expect(nodes?.targets().find((target) => target.id === instanceId)?.state).toBe("draining");
    // The group's own target groups are Auto Scaling's business: the label does not touch them.
    expect(ingress?.targets().find((target) => target.id === instanceId)?.state).toBe("healthy");
    cluster.targetGroups.deregisterFromAttached(instanceId);
    expect(ingress?.targets().find((target) => target.id === instanceId)?.state).toBe("draining");
  });
});
