import { describe, expect, it } from "vitest";
import { clusterNameFromTags } from "../../src/aws/instance-directory.js";

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
