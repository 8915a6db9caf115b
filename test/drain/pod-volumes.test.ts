import type { V1Pod, V1Volume } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import {
  attachedVolumeOf,
  noteVolumesOf,
  unresolvedClaims,
  type VolumeWaitRecord,
  volumesOfPod,
  volumesToWaitFor,
} from "../../src/drain/pod-volumes.js";

function pod(name: string, volumes: V1Volume[], namespace = "data"): V1Pod {
  return { metadata: { name, namespace, uid: `uid-${name}` }, spec: { containers: [], volumes } };
}

const claimVolume = (claimName: string): V1Volume => ({ name: "data", persistentVolumeClaim: { claimName } });

describe("the volumes of a pod", () => {
  it("names claims, generic ephemeral claims (POD-VOLUME) and inline EBS volume IDs", () => {
    const used = volumesOfPod(
      pod("mongo-0", [
        claimVolume("data-mongo-0"),
        { name: "cache", ephemeral: { volumeClaimTemplate: { spec: {} } } },
        { name: "legacy", awsElasticBlockStore: { volumeID: "aws://us-west-2a/vol-0abc" } },
        { name: "plain", awsElasticBlockStore: { volumeID: "vol-0def" } },
        { name: "scratch", emptyDir: {} },
        { name: "config", configMap: { name: "settings" } },
      ]),
    );

    expect(used).toEqual({
      claims: ["data/data-mongo-0", "data/mongo-0-cache"],
      inline: ["vol-0abc", "vol-0def"],
    });
  });

  it("ties an attachment to its PersistentVolume, or to an inline volume's handle", () => {
    expect(attachedVolumeOf({ name: "csi-1", attached: true, persistentVolumeName: "pvc-1" })).toBe("pvc-1");
    expect(
      attachedVolumeOf({ name: "csi-2", attached: true, inlineVolumeHandle: "aws://us-west-2a/vol-0abc" }),
    ).toBe("inline:vol-0abc");
    expect(attachedVolumeOf({ name: "csi-3", attached: true })).toBeUndefined();
  });
});

describe("the volumes a drain waits for", () => {
  it("remembers each claim once and knows which are still to be read", () => {
    const wait: VolumeWaitRecord = { claims: {}, inline: [] };

    expect(noteVolumesOf(pod("a", [claimVolume("data-a")]), wait)).toBe(true);
    expect(noteVolumesOf(pod("a", [claimVolume("data-a")]), wait)).toBe(false);
    wait.claims["data/data-b"] = "pvc-b";
    wait.claims["data/gone"] = null;

    expect(unresolvedClaims(wait)).toEqual(["data/data-a"]);
  });

  it("waits for the drained pods' volumes but not for one a pod left on the node still uses", () => {
    const wait: VolumeWaitRecord = {
      claims: {
        "data/data-a": "pvc-a",
        "data/shared": "pvc-shared",
        "data/unbound": null,
        "data/unread": "",
      },
      inline: ["vol-0abc", "vol-0shared"],
    };
    const daemon = pod("agent-x1", [
      claimVolume("shared"),
      { name: "ebs", awsElasticBlockStore: { volumeID: "vol-0shared" } },
    ]);

    expect(volumesToWaitFor(wait, [daemon])).toEqual(["pvc-a", "inline:vol-0abc"]);
    expect(volumesToWaitFor(wait, [])).toEqual([
      "pvc-a",
      "pvc-shared",
      "inline:vol-0abc",
      "inline:vol-0shared",
    ]);
  });

  it("tells a claim of the same name in another namespace apart", () => {
    const wait: VolumeWaitRecord = { claims: { "data/shared": "pvc-data" }, inline: [] };

    expect(volumesToWaitFor(wait, [pod("other", [claimVolume("shared")], "web")])).toEqual(["pvc-data"]);
  });
});
