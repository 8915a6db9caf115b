import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, expect, it } from "vitest";
import { drainedInstance, drainedNode, quickDrainScenario } from "../lambda/support/scenarios.js";
import { lanesOf } from "../timeline/support/report-page-reader.js";
import { startWorkerRig, until, type WorkerRig } from "./support/worker-rig.js";

let rig: WorkerRig | undefined;
let s3: AwsClientStub<S3Client>;

beforeEach(() => {
  // The worker builds its S3 client on the first report: mocked for every instance.
  s3 = mockClient(S3Client);
  s3.on(PutObjectCommand).resolves({});
});

afterEach(async () => {
  await rig?.stop();
  rig = undefined;
  s3.restore();
});

it("serve writes the drain's report to REPORT_BUCKET from its environment, as the Lambda does", async () => {
  rig = await startWorkerRig(quickDrainScenario);
  const { event } = rig.deployment.asg.terminate(drainedInstance);
  await rig.send(JSON.stringify(event));
  const worker = rig.startWorker([], { REPORT_BUCKET: "drain-reports" });

  await until(() => rig?.deployment.asg.completions().length === 1, "the action is completed");

  const puts = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
  expect(puts).toHaveLength(1);
  expect(puts[0]?.Bucket).toBe("drain-reports");
  expect(puts[0]?.Key?.startsWith(`prod/${drainedNode}/`)).toBe(true);
  expect(lanesOf(String(puts[0]?.Body))).toHaveLength(2);
  const written = worker.lines().find((line) => line.message === "report written");
  expect(written?.reportUri).toBe(`s3://drain-reports/${puts[0]?.Key}`);
});
