import { describe, expect, it } from "vitest";
import type { InstanceDirectory, InstanceFacts } from "../../src/aws/instance-directory.js";
import type { TerminationNotice } from "../../src/events/termination-notice.js";
import {
  resolveCluster,
  servedClusters,
  unservedCluster,
  unservedGroup,
} from "../../src/lifecycle/notice-scope.js";
import { readSettings } from "../../src/lifecycle/settings.js";

const notice: TerminationNotice = {
  instanceId: "i-0123456789abcdef0",
  asgName: "prod-workers",
  hookName: "drain-before-terminate",
  token: "87654321-4321-4321-4321-210987654321",
  receivedAt: "2026-11-24T10:00:00.000Z",
  via: "eventbridge",
};

function directory(tags: Record<string, string> | undefined): InstanceDirectory & { calls: number } {
  const found = (id: string): InstanceFacts => ({
    instanceId: id,
    privateDnsName: "ip-10-0-1-10.us-west-2.compute.internal",
    availabilityZone: "us-west-2a",
    state: "running",
    tags: tags ?? {},
  });
  const lookups = {
    calls: 0,
    async describe(id: string) {
      lookups.calls += 1;
      return tags === undefined ? undefined : found(id);
    },
  };
  return lookups;
}

describe("resolveCluster", () => {
  it("takes the hook's NotificationMetadata first, without asking EC2", async () => {
    const ec2 = directory({ "eks:cluster-name": "tagged" });
    const resolution = await resolveCluster(
      { ...notice, clusterName: "meta" },
      readSettings({ CLUSTER_NAME: "set" }),
      ec2,
    );
    expect(resolution).toMatchObject({
      kind: "resolved",
      clusterName: "meta",
      source: "notification-metadata",
    });
    expect(ec2.calls).toBe(0);
  });

  it("passes over plain-text metadata naming a cluster not served here, for CLUSTER_NAME, saying why", async () => {
    const resolution = await resolveCluster(
      { ...notice, clusterName: "additional-info", metadataText: "additional-info" },
      readSettings({ CLUSTER_NAME: "prod", SERVED_CLUSTERS: "prod,staging" }),
      directory(undefined),
    );
    expect(resolution).toMatchObject({ kind: "resolved", clusterName: "prod", source: "settings" });
    expect(resolution.kind === "resolved" ? resolution.warning : "").toBe(
      'NotificationMetadata "additional-info" is not a cluster served here (prod, staging): using CLUSTER_NAME prod',
    );
  });

  it("passes over plain-text metadata that is no cluster name at all", async () => {
    const resolution = await resolveCluster(
      { ...notice, metadataText: "owner: team a" },
      readSettings({ CLUSTER_NAME: "prod" }),
      directory(undefined),
    );
    expect(resolution).toMatchObject({
      kind: "resolved",
      clusterName: "prod",
      warning: 'NotificationMetadata "owner: team a" is not a cluster name',
    });
  });

  it("keeps plain-text metadata naming a served cluster", async () => {
    const resolution = await resolveCluster(
      { ...notice, clusterName: "staging", metadataText: "staging" },
      readSettings({ CLUSTER_NAME: "prod", SERVED_CLUSTERS: "prod,staging" }),
      directory(undefined),
    );
    expect(resolution).toEqual({ kind: "resolved", clusterName: "staging", source: "notification-metadata" });
  });

  it("never passes over JSON metadata: a cluster not served is then not served", async () => {
    const settings = readSettings({ CLUSTER_NAME: "prod" });
    const resolution = await resolveCluster(
      { ...notice, clusterName: "other" },
      settings,
      directory(undefined),
    );
    expect(resolution).toEqual({ kind: "resolved", clusterName: "other", source: "notification-metadata" });
    expect(unservedCluster(settings, "other")).toBe("cluster other is not served here (served: prod)");
  });

  it("then CLUSTER_NAME", async () => {
    const ec2 = directory({ "eks:cluster-name": "tagged" });
    const resolution = await resolveCluster(notice, readSettings({ CLUSTER_NAME: "set" }), ec2);
    expect(resolution).toMatchObject({ kind: "resolved", clusterName: "set", source: "settings" });
    expect(ec2.calls).toBe(0);
  });

  it("then the instance's eks:cluster-name or kubernetes.io/cluster/<name> tag", async () => {
    const eks = await resolveCluster(notice, readSettings({}), directory({ "eks:cluster-name": "tagged" }));
    expect(eks).toMatchObject({ kind: "resolved", clusterName: "tagged", source: "instance-tags" });
    const owned = await resolveCluster(
      notice,
      readSettings({}),
      directory({ "kubernetes.io/cluster/owned": "owned" }),
    );
    expect(owned).toMatchObject({ kind: "resolved", clusterName: "owned" });
  });

  it("says why when nothing names the cluster", async () => {
    const untagged = await resolveCluster(notice, readSettings({}), directory({ Name: "worker" }));
    expect(untagged).toMatchObject({
      kind: "unresolved",
      reason: expect.stringContaining("no instance tag"),
    });
    const unknown = await resolveCluster(notice, readSettings({}), directory(undefined));
    expect(unknown).toMatchObject({ kind: "unresolved", reason: expect.stringContaining("no longer knows") });
  });
});

describe("what this deployment serves", () => {
  it("serves every group without ASG_NAMES, and only the listed ones with it", () => {
    expect(unservedGroup(readSettings({}), "any")).toBeUndefined();
    const settings = readSettings({ ASG_NAMES: "a, b" });
    expect(unservedGroup(settings, "b")).toBeUndefined();
    expect(unservedGroup(settings, "c")).toContain("c is not served");
  });

  it("serves SERVED_CLUSTERS, else CLUSTER_NAME alone, else any cluster", () => {
    expect(servedClusters(readSettings({ SERVED_CLUSTERS: "x,y", CLUSTER_NAME: "x" }))).toEqual(["x", "y"]);
    expect(servedClusters(readSettings({ CLUSTER_NAME: "x" }))).toEqual(["x"]);
    expect(servedClusters(readSettings({}))).toBeUndefined();
    expect(unservedCluster(readSettings({ CLUSTER_NAME: "x" }), "y")).toContain("cluster y is not served");
    expect(unservedCluster(readSettings({}), "y")).toBeUndefined();
  });
});
