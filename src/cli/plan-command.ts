import type { ParseArgsOptionsConfig } from "node:util";
import * as z from "zod";
import { planDrain } from "../drain/plan-drain.js";
import { recordedPods } from "../timeline/index.js";
import type { CliContext } from "./cli-context.js";
import { connectWithFlags } from "./cluster-connection.js";
import { onePositional, parseCommandLine } from "./command-line.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import {
  clusterFlagShape,
  clusterFlagSpecs,
  outputFlagShape,
  outputFlagSpecs,
  policyFlagShape,
  policyFlagSpecs,
  policyOf,
} from "./flags.js";
import { planHelp } from "./help-text.js";
import { clusterProblem, resolveNodeTarget } from "./node-target.js";
import { planDocument, planText } from "./plan-report.js";
import { planRecord } from "./plan-timeline.js";
import { reportFlagShape, reportFlagSpecs, writeReport } from "./report-file.js";

const planFlagSpecs = {
  ...outputFlagSpecs,
  ...reportFlagSpecs,
  ...clusterFlagSpecs,
  ...policyFlagSpecs,
} satisfies ParseArgsOptionsConfig;
const planFlagSchema = z.object({
  ...outputFlagShape,
  ...reportFlagShape,
  ...clusterFlagShape,
  ...policyFlagShape,
});

/** `plan <node | instance-id>`: what a drain would do now. Reads only (a node, two lists). */
export async function planCommand(args: readonly string[], context: CliContext): Promise<ExitCode> {
  const line = parseCommandLine("plan", args, planFlagSpecs, planFlagSchema);
  if (line.help || line.flags === undefined) {
    context.terminal.write(planHelp);
    return EXIT.ok;
  }
  const flags = line.flags;
  const argument = onePositional("plan", line.positionals, "the node name or instance ID to plan for");
  const connection = connectWithFlags(flags, context);
  try {
    const target = await resolveNodeTarget(connection.client, connection.cluster, argument);
    const now = context.clock.now();
    const policy = policyOf(flags, true);
    const plan = await planDrain({
      cluster: connection.cluster,
      clock: context.clock,
      nodeName: target.nodeName,
      policy,
      deadline: now + flags.timeout,
    }).catch((cause: unknown) => {
      throw clusterProblem(cause, connection.server);
    });
    context.terminal.write(
      flags.output === "json"
        ? `${JSON.stringify({ ...planDocument(plan, now), ...(target.instanceId === undefined ? {} : { instanceId: target.instanceId }) }, null, 2)}\n`
        : planText(plan, now),
    );
    if (flags.report !== undefined) {
      // The workloads of the pods, for the report's lanes: one more read of the node's pods and the budgets.
      const [pods, budgets] = await Promise.all([
        connection.cluster.listPodsOnNode(target.nodeName),
        connection.cluster.listBudgets(),
      ]).catch((cause: unknown) => {
        throw clusterProblem(cause, connection.server);
      });
      const record = planRecord(
        planDocument(plan, now),
        recordedPods(pods, budgets, policy),
        `plan ${argument}`,
        target.instanceId,
      );
      const written = await writeReport(flags.report, record, context);
      context.terminal.log(`report written to ${written}\n`);
    }
    return EXIT.ok;
  } finally {
    await connection.close();
  }
}
