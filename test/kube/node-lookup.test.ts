import type { V1Node } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { candidateNames, instanceIdOf, matchNode } from "../../src/kube/node-lookup.js";

function node(name: string, providerID?: string, hostname?: string): V1Node {
  return {
    metadata: { name, labels: { "kubernetes.io/hostname": hostname ?? name } },
    spec: providerID === undefined ? {} : { providerID },
  };
}

describe("instance → node", () => {
  it("reads the instance ID out of an AWS providerID", () => {
    expect(instanceIdOf("aws:///us-west-2a/i-0123456789abcdef0")).toBe("i-0123456789abcdef0");
    expect(instanceIdOf("aws://us-west-2a/i-0abc")).toBe("i-0abc");
    expect(instanceIdOf("gce://project/zone/instance")).toBeUndefined();
    expect(instanceIdOf(undefined)).toBeUndefined();
  });

  it("lists the full and short private DNS names", () => {
    expect(candidateNames("ip-10-0-1-5.us-west-2.compute.internal")).toEqual([
      "ip-10-0-1-5.us-west-2.compute.internal",
      "ip-10-0-1-5",
    ]);
    expect(candidateNames("")).toEqual([]);
  });

  const nodes = [
    node("ip-10-0-1-5.us-west-2.compute.internal", "aws:///us-west-2a/i-aaa"),
    node("ip-10-0-1-6", undefined, "ip-10-0-1-6"),
    node("worker-7", undefined, "ip-10-0-1-7.us-west-2.compute.internal"),
    node("ip-10-0-1-8.us-west-2.compute.internal", "aws:///us-west-2b/i-other"),
  ];

  it("finds the node by providerID first", () => {
    expect(matchNode(nodes, { instanceId: "i-aaa", privateDnsName: "ip-10-0-1-6.x" })?.metadata?.name).toBe(
      "ip-10-0-1-5.us-west-2.compute.internal",
    );
  });

  it("falls back to the short node name", () => {
    expect(
      matchNode(nodes, { instanceId: "i-bbb", privateDnsName: "ip-10-0-1-6.us-west-2.compute.internal" })
        ?.metadata?.name,
    ).toBe("ip-10-0-1-6");
  });

  it("falls back to the hostname label", () => {
    expect(
      matchNode(nodes, { instanceId: "i-ccc", privateDnsName: "ip-10-0-1-7.us-west-2.compute.internal" })
        ?.metadata?.name,
    ).toBe("worker-7");
  });

  it("never takes a node whose providerID names another instance", () => {
    expect(
      matchNode(nodes, { instanceId: "i-ddd", privateDnsName: "ip-10-0-1-8.us-west-2.compute.internal" }),
    ).toBeUndefined();
  });

  it("returns undefined when the instance never joined", () => {
    expect(matchNode(nodes, { instanceId: "i-zzz", privateDnsName: "" })).toBeUndefined();
    expect(matchNode(nodes, { instanceId: "i-zzz" })).toBeUndefined();
  });
});
