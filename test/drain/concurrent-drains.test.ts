import { afterEach, describe, expect, it } from "vitest";
import { type SimDrain, startSimDrain } from "../support/sim-drain.js";

/**
 * Several drains at once under budgets they share, on the virtual clock: as separate processes (a client
 * each: concurrent Lambda invocations of a scale-in), which take turns under each budget, and as one
 * process (the CLI with several nodes), whose drains share one budget watch and one gate per budget.
 */

const draining = ["n1", "n2", "n3", "n4", "n5", "n6"];

const scenario = `
name: six drains under two shared budgets
seed: 31
controllerDelaySeconds: 0.1
nodes:
${draining.map((name, index) => `  - { name: ${name}, instanceId: i-0aaaaaaaaaaaaaa0${index}, availabilityZone: us-west-2a }`).join("\n")}
  - { name: spare-1, instanceId: i-0bbbbbbbbbbbbbb01, availabilityZone: us-west-2a, maxPods: 200 }
  - { name: spare-2, instanceId: i-0bbbbbbbbbbbbbb02, availabilityZone: us-west-2a, maxPods: 200 }
workloads:
  - kind: Deployment
    name: web
    namespace: shop
    replicas: 48
    nodes: [${draining.join(", ")}]
    pdb: { maxUnavailable: 6 }
    shutdownSeconds: 1
    startupSeconds: 1
  - kind: Deployment
    name: api
    namespace: shop
    replicas: 36
    nodes: [${draining.join(", ")}]
    pdb: { minAvailable: 33 }
    shutdownSeconds: 1
    startupSeconds: 1
`;

let subject: SimDrain | undefined;

afterEach(async () => {
  await subject?.stop();
  subject = undefined;
});

async function drainAll(options: { shared: boolean; budgetTurnWindowMs?: number; drainsAtOnce?: number }) {
  subject = await startSimDrain({ yaml: scenario }, { virtualTime: true, seed: 5 });
  const started = subject.clock.now();
  const results = await subject.drainNodes(draining, {
    shared: options.shared,
    ...(options.drainsAtOnce === undefined ? {} : { drainsAtOnce: options.drainsAtOnce }),
    ...(options.budgetTurnWindowMs === undefined
      ? {}
      : { policy: { budgetTurnWindowMs: options.budgetTurnWindowMs } }),
  });
  const evicted = results.reduce((sum, result) => sum + result.counts.evicted, 0);
  const refusals = subject.sim.recorder.refusalsByCause().DisruptionBudget;
  const seconds = (subject.clock.now() - started) / 1000;
  console.log(
    `[concurrent] ${options.shared ? "one process" : "six processes"}${options.drainsAtOnce === undefined ? "" : " with shares"}, turns ${options.budgetTurnWindowMs ?? "default"}: ` +
      `${evicted} evicted, ${refusals} budget refusals, ${seconds} s of cluster time`,
  );
  expect(results.map((result) => result.status)).toEqual(draining.map(() => "drained"));
  expect(evicted).toBe(84);
  expect(subject.sim.recorder.violations()).toEqual([]);
  return { refusals, seconds };
}

describe("drains under shared budgets", () => {
  it("as separate processes, take turns under each budget: few refusals", async () => {
    const withTurns = await drainAll({ shared: false });
    // Every allowance is met by one drain, not six: at most one refusal per eight evictions.
    expect(withTurns.refusals).toBeLessThanOrEqual(10);
  });

  it("as separate processes that know how many drain at once, share each allowance: fewer refusals", async () => {
    const withShares = await drainAll({ shared: false, drainsAtOnce: draining.length });
    expect(withShares.refusals).toBeLessThanOrEqual(6);
  });

  it("told that other drains run at once, a drain whose budget covers only its own pods takes all of its room", async () => {
    const alone = async (drainsAtOnce?: number) => {
      subject = await startSimDrain(
        { file: "scenarios/bench-deployment-pdb.yaml" },
        { virtualTime: true, seed: 5 },
      );
      const started = subject.clock.now();
      const result = await subject.drain({}, drainsAtOnce === undefined ? {} : { drainsAtOnce });
      expect(result.status).toBe("drained");
      const seconds = (subject.clock.now() - started) / 1000;
      await subject.stop();
      subject = undefined;
      return seconds;
    };
    const unknown = await alone();
    const amongTen = await alone(10);
    expect(amongTen).toBeLessThanOrEqual(unknown + 0.5);
  });

  it("without turns, separate processes all spend the same allowance at once", async () => {
    const withoutTurns = await drainAll({ shared: false, budgetTurnWindowMs: 0 });
    expect(withoutTurns.refusals).toBeGreaterThan(20);
  });

  it("in one process, share one gate per budget: no refusal", async () => {
    const shared = await drainAll({ shared: true });
    expect(shared.refusals).toBe(0);
  });

  it("in one process told that its drains are all the drains at once, the drains that finish last keep the whole room", async () => {
    const plain = await drainAll({ shared: true });
    await subject?.stop();
    subject = undefined;
    const told = await drainAll({ shared: true, drainsAtOnce: draining.length });
    expect(told.refusals).toBe(0);
    // Not slowed by shares with processes that do not exist once its first drains finish.
    expect(told.seconds).toBeLessThanOrEqual(plain.seconds + 1);
  });
});
