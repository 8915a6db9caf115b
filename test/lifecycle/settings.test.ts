import { describe, expect, it } from "vitest";
import { drainPolicyOf } from "../../src/lifecycle/drain-policy-settings.js";
import { readSettings, SettingsError } from "../../src/lifecycle/settings.js";

describe("readSettings", () => {
  it("applies the defaults", () => {
    expect(readSettings({})).toMatchObject({
      DRAIN_TIMEOUT_SECONDS: 3600,
      ON_DEADLINE: "force",
      EVICT_DAEMONSETS: false,
      DELETE_NODE: false,
      SETTLE_SECONDS: 0,
      WAIT_FOR_VOLUME_DETACH: true,
    });
  });

  it("treats a variable set to an empty string as not set", () => {
    expect(readSettings({ CLUSTER_NAME: "", QUEUE_URL: " " })).not.toHaveProperty("CLUSTER_NAME");
  });

  it("names every invalid variable", () => {
    const read = () =>
      readSettings({ ON_DEADLINE: "later", DRAIN_TIMEOUT_SECONDS: "-1", QUEUE_URL: "queue" });
    expect(read).toThrow(SettingsError);
    for (const name of ["ON_DEADLINE: ", "DRAIN_TIMEOUT_SECONDS: ", "QUEUE_URL: "])
      expect(read).toThrow(name);
  });
});

describe("drainPolicyOf", () => {
  it("maps the settings onto the drain policy", () => {
    const policy = drainPolicyOf(
      readSettings({
        EVICT_DAEMONSETS: "true",
        DELETE_NODE: "true",
        SETTLE_SECONDS: "5",
        ON_DEADLINE: "abandon",
      }),
    );
    expect(policy).toMatchObject({
      evictDaemonSets: true,
      deleteNode: true,
      settleMs: 5000,
      waitForVolumeDetach: true,
      onDeadline: "leave",
    });
    expect(drainPolicyOf(readSettings({})).onDeadline).toBe("force");
  });

  it("maps the unreachable-node and returning-pod settings, the CLI's flags of the same names", () => {
    expect(
      drainPolicyOf(
        readSettings({
          UNREACHABLE_AFTER_SECONDS: "30",
          OUT_OF_SERVICE_TAINT: "true",
          MAX_EVICTIONS_PER_OWNER: "3",
        }),
      ),
    ).toMatchObject({ unreachableAfterMs: 30_000, outOfServiceTaint: true, maxEvictionsPerOwner: 3 });
    expect(drainPolicyOf(readSettings({}))).toMatchObject({
      unreachableAfterMs: 60_000,
      outOfServiceTaint: false,
      maxEvictionsPerOwner: 2,
    });
    expect(() => readSettings({ MAX_EVICTIONS_PER_OWNER: "0" })).toThrow("MAX_EVICTIONS_PER_OWNER: ");
  });
});
