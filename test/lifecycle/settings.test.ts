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
});
