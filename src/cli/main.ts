/**
 * The eks-node-drainer command line (bundled to dist/cli.js): wires the process — arguments, streams,
 * environment, clock, Ctrl-C — to runCli and exits with its code.
 */
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { SQSClient } from "@aws-sdk/client-sqs";
import { defaultCredentialSource } from "../aws/credentials.js";
import { Ec2InstanceDirectory } from "../aws/instance-directory.js";
import { AutoScalingTrafficSources, Elbv2TargetGroups } from "../aws/load-balancing-clients.js";
import { systemClock } from "../drain/clock.js";
import { EXIT } from "./exit-codes.js";
import { autoScalingLifecycle } from "./lifecycle-completion.js";
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
  lifecycleActions: autoScalingLifecycle,
  loadBalancing: (region) => {
    const options = region === undefined ? {} : { region };
    return {
      trafficSources: new AutoScalingTrafficSources(new AutoScalingClient(options)),
      targets: new Elbv2TargetGroups(new ElasticLoadBalancingV2Client(options)),
    };
  },
  queueClient: (region) => new SQSClient(region === undefined ? {} : { region }),
  instanceDirectory: (region) =>
    new Ec2InstanceDirectory({
      region: region ?? "",
      credentials: defaultCredentialSource(),
      endpoint: process.env.AWS_ENDPOINT_URL_EC2 || process.env.AWS_ENDPOINT_URL || undefined,
    }),
});
process.exitCode = code;
// Connections and timers are closed by the commands; should anything linger, do not hang on it.
setTimeout(() => process.exit(code), 2_000).unref();
