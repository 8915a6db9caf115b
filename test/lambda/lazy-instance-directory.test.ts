import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { lazyEc2InstanceDirectory } from "../../src/lambda/lazy-instance-directory.js";

describe("lazyEc2InstanceDirectory", () => {
  const ec2 = mockClient(EC2Client);

  afterEach(() => {
    ec2.reset();
  });

  it("describes instances through EC2 once loaded, and reports an instance EC2 forgot", async () => {
    ec2.on(DescribeInstancesCommand, { InstanceIds: ["i-0123456789abcdef0"] }).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: "i-0123456789abcdef0",
              PrivateDnsName: "ip-10-0-1-10.us-west-2.compute.internal",
              Placement: { AvailabilityZone: "us-west-2a" },
              State: { Name: "shutting-down" },
              Tags: [{ Key: "eks:cluster-name", Value: "prod" }],
            },
          ],
        },
      ],
    });
    ec2
      .on(DescribeInstancesCommand, { InstanceIds: ["i-0ffffffffffff0001"] })
      .rejects(Object.assign(new Error("gone"), { name: "InvalidInstanceID.NotFound" }));
    const directory = lazyEc2InstanceDirectory("us-west-2");

    expect(await directory.describe("i-0123456789abcdef0")).toEqual({
      instanceId: "i-0123456789abcdef0",
      privateDnsName: "ip-10-0-1-10.us-west-2.compute.internal",
      availabilityZone: "us-west-2a",
      state: "shutting-down",
      tags: { "eks:cluster-name": "prod" },
    });
    expect(await directory.describe("i-0ffffffffffff0001")).toBeUndefined();
    expect(ec2.commandCalls(DescribeInstancesCommand)).toHaveLength(2);
  });
});
