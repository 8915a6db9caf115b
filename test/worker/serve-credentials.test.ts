import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { podsLeftToDrain } from "../faults/support/drain-invariants.js";
import { drainedInstance, drainedNode, quickDrainScenario } from "../lambda/support/scenarios.js";
import { startWorkerRig, until, type WorkerRig } from "./support/worker-rig.js";

let rig: WorkerRig | undefined;

afterEach(async () => {
  await rig?.stop();
  rig = undefined;
});

/**
 * The worker's credential in a cluster is its projected service-account token, which client-node reads
 * from a file (the `tokenFile` auth provider of its in-cluster config) and keeps for 60 s. A 401 makes it
 * read the file again and retry the request; the drain goes on without a failed delivery.
 */
describe("eks-node-drainer serve and a refused token", () => {
  it("reads its token file again after a 401 and finishes the drain in the same delivery", async () => {
    rig = await startWorkerRig(quickDrainScenario);
    const { asg, sim } = rig.deployment;
    const tokenFile = join(sim.kubeconfigPath, "..", "token");
    await writeFile(tokenFile, sim.token, { mode: 0o600 });
    await writeFile(
      sim.kubeconfigPath,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: sim\n  cluster:\n    server: ${sim.server}\n    certificate-authority-data: ${sim.caData}`,
        "users:",
        `- name: worker\n  user:\n    auth-provider:\n      name: tokenFile\n      config:\n        tokenFile: ${tokenFile}`,
        "contexts:",
        "- name: sim\n  context:\n    cluster: sim\n    user: worker",
        "current-context: sim",
      ].join("\n"),
      { mode: 0o600 },
    );
    const { event, token } = asg.terminate(drainedInstance);
    sim.faults.update({ refuseTokens: 1 });
    await rig.send(JSON.stringify(event));
    const worker = rig.startWorker();

    await until(() => asg.completions().length > 0, "the action is completed");
    await until(() => rig?.queue.notices.all().length === 0, "the message is deleted");

    const codes = sim.recorder.requests().map((request) => request.code);
    expect(codes.filter((code) => code === 401)).toHaveLength(1);
    expect(codes[codes.indexOf(401) + 1], "the retried request").toBeLessThan(300);
    expect(asg.completions()).toEqual([
      expect.objectContaining({ token, result: "CONTINUE", outcome: "completed" }),
    ]);
    expect(podsLeftToDrain(sim, drainedNode)).toEqual([]);
    expect(worker.lines().filter((line) => line.level === "error" || line.level === "warn")).toEqual([]);
    expect(rig.queue.deadLetters.all()).toEqual([]);
  });
});
