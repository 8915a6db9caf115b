import { describe, expect, it } from "vitest";
import * as z from "zod";
import { policyFlagShape, policyOf } from "../../src/cli/flags.js";
import { ON_DEADLINE_CHOICES } from "../../src/drain/policy.js";
import { drainPolicyOf } from "../../src/lifecycle/drain-policy-settings.js";
import { readSettings, SettingsError } from "../../src/lifecycle/settings.js";

describe("readSettings", () => {
  it("applies the defaults", () => {
    expect(readSettings({})).toMatchObject({
      DRAIN_TIMEOUT_SECONDS: 3600,
      ON_DEADLINE: "force",
      DEADLINE_RESULT: "default-result",
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

describe("ON_DEADLINE and DEADLINE_RESULT", () => {
  const read = (env: Record<string, string>) => {
    const warnings: string[] = [];
    const settings = readSettings(env, (warning) => warnings.push(warning));
    return { deadline: [settings.ON_DEADLINE, settings.DEADLINE_RESULT], warnings };
  };

  it.each([
    [{}, ["force", "default-result"]],
    [{ ON_DEADLINE: "force" }, ["force", "default-result"]],
    [{ ON_DEADLINE: "leave" }, ["leave", "default-result"]],
    [{ ON_DEADLINE: "leave", DEADLINE_RESULT: "abandon" }, ["leave", "abandon"]],
    [{ ON_DEADLINE: "leave", DEADLINE_RESULT: "default-result" }, ["leave", "default-result"]],
    [{ ON_DEADLINE: "force", DEADLINE_RESULT: "abandon" }, ["force", "abandon"]],
  ])("reads %o as %o, without a warning", (env, deadline) => {
    expect(read(env)).toEqual({ deadline, warnings: [] });
  });

  it.each([
    [{ ON_DEADLINE: "abandon" }, "abandon"],
    [{ ON_DEADLINE: "abandon", DEADLINE_RESULT: "abandon" }, "abandon"],
    [{ ON_DEADLINE: "default-result" }, "default-result"],
    [{ ON_DEADLINE: "default-result", DEADLINE_RESULT: "default-result" }, "default-result"],
  ])(
    "reads the older %o as leave with DEADLINE_RESULT=%s, warning which settings replace it",
    (env, result) => {
      const { deadline, warnings } = read(env);
      expect(deadline).toEqual(["leave", result]);
      expect(warnings).toEqual([
        `ON_DEADLINE=${result} is an older spelling of ON_DEADLINE=leave with DEADLINE_RESULT=${result}: set those instead`,
      ]);
    },
  );

  it.each([
    ["abandon", "default-result"],
    ["default-result", "abandon"],
  ])("refuses ON_DEADLINE=%s with DEADLINE_RESULT=%s, naming both", (onDeadline, result) => {
    const reading = () => readSettings({ ON_DEADLINE: onDeadline, DEADLINE_RESULT: result });
    expect(reading).toThrow(SettingsError);
    expect(reading).toThrow(`ON_DEADLINE: ON_DEADLINE=${onDeadline} (an older spelling of ON_DEADLINE=leave`);
    expect(reading).toThrow(`contradicts DEADLINE_RESULT=${result}`);
  });

  it("reads force and leave as the CLI's drain --on-deadline does: the engine's own two words", () => {
    const cliFlags = z.object(policyFlagShape);
    for (const value of ON_DEADLINE_CHOICES) {
      const cli = policyOf(cliFlags.parse({ "on-deadline": value }), false).onDeadline;
      expect(drainPolicyOf(readSettings({ ON_DEADLINE: value })).onDeadline).toBe(cli);
      expect(cli).toBe(value);
    }
  });

  it("names the field of a value it does not know", () => {
    expect(() => readSettings({ DEADLINE_RESULT: "continue" })).toThrow(/DEADLINE_RESULT: /);
    expect(() => readSettings({ ON_DEADLINE: "wait" })).toThrow(/ON_DEADLINE: /);
  });
});

describe("drainPolicyOf", () => {
  it("maps the settings onto the drain policy", () => {
    const policy = drainPolicyOf(
      readSettings({
        EVICT_DAEMONSETS: "true",
        DELETE_NODE: "true",
        SETTLE_SECONDS: "5",
        ON_DEADLINE: "leave",
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
