/**
 * The eks-node-drainer command line (bundled to dist/cli.js): wires the process — arguments, streams,
 * environment, clock, Ctrl-C — to runCli and exits with its code.
 */
import { systemClock } from "../drain/clock.js";
import { EXIT } from "./exit-codes.js";
import { runCli } from "./run-cli.js";
import { processTerminal } from "./terminal.js";

const terminal = processTerminal();
const interrupt = new AbortController();
let interrupts = 0;
process.on("SIGINT", () => {
  interrupts += 1;
  if (interrupts > 1) process.exit(EXIT.interrupted);
  terminal.log(
    "\ninterrupted: stopping; a drain saves its state on the node first (Ctrl-C again to quit at once)\n",
  );
  interrupt.abort(new Error("interrupted"));
});
// Kubernetes stops a pod with SIGTERM: the same orderly stop (the worker hands its messages back).
process.on("SIGTERM", () => interrupt.abort(new Error("terminated")));

const code = await runCli(process.argv.slice(2), {
  terminal,
  env: process.env,
  clock: systemClock,
  signal: interrupt.signal,
  cwd: process.cwd(),
  // The AWS SDK is loaded only by the commands that talk to AWS: drain and plan start lighter without it.
  lifecycleActions: async (region) => (await import("./aws-clients.js")).autoScalingLifecycle(region),
  loadBalancing: async (region) => (await import("./aws-clients.js")).loadBalancing(region),
  queueClient: async (region) => (await import("./aws-clients.js")).queueClient(region),
  instanceDirectory: async (region) =>
    (await import("./aws-clients.js")).instanceDirectory(region, process.env),
});
process.exitCode = code;
// Connections and timers are closed by the commands; should anything linger, do not hang on it.
setTimeout(() => process.exit(code), 2_000).unref();
