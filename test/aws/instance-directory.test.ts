import { DescribeInstancesCommand, EC2Client, EC2ServiceException } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { clusterNameFromTags, Ec2InstanceDirectory } from "../../src/aws/instance-directory.js";

const ec2 = mockClient(EC2Client);
afterEach(() => ec2.reset());

function ec2Error(name: string, status: number) {
  return new EC2ServiceException({
    name,
    $fault: status >= 500 ? "server" : "client",
    $metadata: { httpStatusCode: status },
    message: name,
  });
}

describe("Ec2InstanceDirectory", () => {
  it("reads private DNS name, zone, state and tags", async () => {
    ec2.on(DescribeInstancesCommand, { InstanceIds: ["i-0123456789abcdef0"] }).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: "i-0123456789abcdef0",
              PrivateDnsName: "ip-10-0-1-23.us-west-2.compute.internal",
              Placement: { AvailabilityZone: "us-west-2a" },
              State: { Name: "running", Code: 16 },
              Tags: [
                { Key: "eks:cluster-name", Value: "prod" },
                { Key: "kubernetes.io/cluster/prod", Value: "owned" },
                { Key: "Name", Value: undefined },
              ],
            },
          ],
        },
      ],
    });
    const facts = await new Ec2InstanceDirectory(new EC2Client({})).describe("i-0123456789abcdef0");
    expect(facts).toEqual({
      instanceId: "i-0123456789abcdef0",
      privateDnsName: "ip-10-0-1-23.us-west-2.compute.internal",
      availabilityZone: "us-west-2a",
      state: "running",
      tags: { "eks:cluster-name": "prod", "kubernetes.io/cluster/prod": "owned", Name: "" },
    });
  });

  it("keeps an empty private DNS name of a stopping instance", async () => {
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [{ InstanceId: "i-0123456789abcdef0", PrivateDnsName: "", State: { Name: "stopping" } }],
        },
      ],
    });
    const facts = await new Ec2InstanceDirectory(new EC2Client({})).describe("i-0123456789abcdef0");
    expect(facts?.privateDnsName).toBe("");
    expect(facts?.state).toBe("stopping");
  });

  it("answers undefined for an instance EC2 no longer knows", async () => {
    ec2.on(DescribeInstancesCommand).rejects(ec2Error("InvalidInstanceID.NotFound", 400));
    expect(await new Ec2InstanceDirectory(new EC2Client({})).describe("i-0123456789abcdef0")).toBeUndefined();
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    expect(await new Ec2InstanceDirectory(new EC2Client({})).describe("i-0123456789abcdef0")).toBeUndefined();
  });

  it.each([
    ["InvalidInstanceID.Malformed", 400, false],
    ["UnauthorizedOperation", 403, false],
    ["RequestLimitExceeded", 503, true],
  ])("wraps %s with retryable %s", async (name, status, retryable) => {
    ec2.on(DescribeInstancesCommand).rejects(ec2Error(name, status));
    await expect(
      new Ec2InstanceDirectory(new EC2Client({})).describe("i-0123456789abcdef0"),
    ).rejects.toMatchObject({
      name: "AwsCallError",
      retryable,
      message: expect.stringMatching(/^describing EC2 instance i-0123456789abcdef0: /),
    });
  });
});

describe("clusterNameFromTags", () => {
  it.each([
    [{ "eks:cluster-name": "prod", "kubernetes.io/cluster/other": "owned" }, "prod"],
    [{ "eks:eks-cluster-name": "karpenter-made" }, "karpenter-made"],
    [{ "alpha.eksctl.io/cluster-name": "eksctl-made" }, "eksctl-made"],
    [{ "kubernetes.io/cluster/prod": "owned", Name: "worker" }, "prod"],
    [{ "kubernetes.io/cluster/prod": "shared" }, "prod"],
    [{ "kubernetes.io/cluster/a": "owned", "kubernetes.io/cluster/b": "owned" }, undefined],
    [{ "kubernetes.io/cluster/": "owned" }, undefined],
    [{ "eks:cluster-name": "  " }, undefined],
    [{}, undefined],
  ])("reads %j as %s", (tags, cluster) => {
    expect(clusterNameFromTags(tags)).toBe(cluster);
  });
});
