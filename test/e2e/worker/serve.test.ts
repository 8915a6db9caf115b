import { afterAll, afterEach, describe, expect, it } from "vitest";
import { removeBuiltCli, runBuiltCli } from "../../cli/support/built-cli.js";
import { podsLeftToDrain } from "../../faults/support/drain-invariants.js";
import {
  drainedInstance,
  drainedNode,
  quickDrainScenario,
  slowDrainScenario,
} from "../../lambda/support/scenarios.js";
import { startWorkerRig, until, type WorkerRig } from "../../worker/support/worker-rig.js";

let rig: WorkerRig | undefined;

afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

/** Accepted evictions per pod name, from the simulated API server's record. */
function acceptedEvictions(current: WorkerRig): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of current.deployment.sim.recorder.requests()) {
    if (request.verb !== "create" || request.subresource !== "eviction") continue;
    if (request.code !== 201 && request.code !== 200) continue;
    const key = `${request.namespace}/${request.name}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe("eks-node-drainer serve: the in-cluster queue worker", () => {
  it("drains the node of a queued notice, completes the action once with CONTINUE, deletes the message", async () => {
    rig = await startWorkerRig(quickDrainScenario);
    const { asg, sim } = rig.deployment;
    const { event, token } = asg.terminate(drainedInstance);
    await rig.send(JSON.stringify(event));
    const worker = rig.startWorker();

    await until(() => asg.completions().length > 0, "the action is completed");
    await until(() => rig?.queue.notices.all().length === 0, "the message is deleted");
    expect(asg.completions()).toEqual([
      expect.objectContaining({ token, result: "CONTINUE", outcome: "completed" }),
    ]);
    expect(podsLeftToDrain(sim, drainedNode)).toEqual([]);
    expect(sim.recorder.violations()).toEqual([]);
    expect(rig.queue.deadLetters.all()).toEqual([]);

    const base = await worker.healthUrl();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(
      /eks_node_drainer_lifecycle_actions_completed_total\{cluster="prod",asg="prod-workers",result="CONTINUE"\} 1/,
    );
    expect(metrics).toMatch(/eks_node_drainer_pods_evicted_total\{cluster="prod",asg="prod-workers"\} 2/);
    expect(metrics).toMatch(/eks_node_drainer_drain_outcomes_total\{[^}]*outcome="drained"\} 1/);
    expect(metrics).toMatch(/eks_node_drainer_queue_messages_total\{result="completed"\} 1/);

    worker.terminate();
    expect(await worker.exited).toBe(0);
    expect(
      worker.lines().some((line) => line.message === "stopped: every message in flight was settled"),
    ).toBe(true);
  });

  it("on SIGTERM mid-drain hands the message back at once, and a second worker finishes the drain", async () => {
    rig = await startWorkerRig(slowDrainScenario);
    const { asg, sim } = rig.deployment;
    const { event, token } = asg.terminate(drainedInstance);
    await rig.send(JSON.stringify(event));
    const first = rig.startWorker();
    const current = rig;
    await until(() => acceptedEvictions(current).size > 0, "the first worker has evicted a pod");

    first.terminate();
    expect(await first.exited).toBe(0);
    expect(asg.completions()).toEqual([]);
    const [message, ...others] = rig.queue.notices.all();
    expect(others).toEqual([]);
    expect(message?.receiveCount).toBe(1);
    expect(message?.visibleAt ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(Date.now());
    expect(
      first.lines().some((line) => line.message === "handing the message back: the worker is shutting down"),
    ).toBe(true);

    const second = rig.startWorker();
    await until(() => asg.completions().length > 0, "the second worker completes the action", 60_000);
    await until(() => current.queue.notices.all().length === 0, "the message is deleted");
    expect(asg.completions()).toEqual([
      expect.objectContaining({ token, result: "CONTINUE", outcome: "completed" }),
    ]);
    expect(podsLeftToDrain(sim, drainedNode)).toEqual([]);
    expect(sim.recorder.violations()).toEqual([]);
    // Resumed from the node's state: no pod was evicted twice.
    expect([...acceptedEvictions(rig).values()].every((count) => count === 1)).toBe(true);
    second.terminate();
    expect(await second.exited).toBe(0);
  });

  it("gives a poison message back until the queue moves it to the dead-letter queue after maxReceiveCount", async () => {
    rig = await startWorkerRig(quickDrainScenario, { maxReceiveCount: 3 });
    await rig.send("this is not a lifecycle notice");
    const worker = rig.startWorker(["--retry-delay", "0s"]);
    const current = rig;

    await until(
      () => current.queue.deadLetters.all().length === 1,
      "the message is in the dead-letter queue",
    );
    expect(rig.queue.notices.all()).toEqual([]);
    const [dead] = rig.queue.deadLetters.all();
    expect(dead?.body).toBe("this is not a lifecycle notice");
    expect(dead?.receiveCount).toBe(3);
    const failures = worker
      .lines()
      .filter((line) => line.message === "notice failed: the message is given back for a retry");
    expect(failures).toHaveLength(3);
    expect(failures[0]?.field).toBe("body");
    expect(rig.deployment.asg.completions()).toEqual([]);
    expect((await fetch(`${await worker.healthUrl()}/readyz`)).status).toBe(200);
  });

  it("documents every flag in serve --help", async () => {
    rig = await startWorkerRig(quickDrainScenario);
    const worker = rig.startWorker(["--help"]);
    expect(await worker.exited).toBe(0);
    const help = worker.terminal.stdout;
    const { readFileSync } = await import("node:fs");
    const source = readFileSync(new URL("../../../src/cli/serve-command.ts", import.meta.url), "utf8");
    const specs = source.slice(source.indexOf("const serveFlagSpecs"), source.indexOf("} satisfies"));
    const flags = [...specs.matchAll(/^\s+"?([a-z-]+)"?: \{ type:/gm)].map((match) => match[1]);
    expect(flags.length).toBeGreaterThan(20);
    for (const flag of flags) expect(help, `--${flag}`).toContain(`--${flag}`);
  });
});

describe("eks-node-drainer serve as a process", () => {
  afterAll(() => removeBuiltCli());

  it("exits 0 on SIGTERM, after saying it stopped with every message settled", async () => {
    rig = await startWorkerRig(quickDrainScenario);
    const run = await runBuiltCli(
      [
        "serve",
        "--queue-url",
        rig.queue.notices.url,
        "--cluster-name",
        "prod",
        "--region",
        "us-west-2",
        "--kubeconfig",
        rig.deployment.sim.kubeconfigPath,
        "--listen",
        "127.0.0.1:0",
        "--wait-time",
        "1s",
      ],
      {
        env: { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/EXAMPLEKEY" },
        interruptWhen: /"message":"serving"/,
        interruptSignal: "SIGTERM",
        timeoutMs: 60_000,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('"message":"stopped: every message in flight was settled"');
  }, 90_000);
});
