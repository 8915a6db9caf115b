import type { ParseArgsOptionsConfig } from "node:util";
import * as z from "zod";
import { readDrainState } from "../drain/drain-state.js";
import { listDrainerEvents } from "../kube/drainer-events.js";
import type { CliContext } from "./cli-context.js";
import { CliError, UsageError } from "./cli-error.js";
import { connectWithFlags } from "./cluster-connection.js";
import { onePositional, parseCommandLine } from "./command-line.js";
import { drainFromEvents } from "./drain-from-events.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { clusterFlagShape, clusterFlagSpecs, outputFlagShape, outputFlagSpecs } from "./flags.js";
import { reportHelp } from "./help-text.js";
import { clusterProblem, resolveNodeTarget } from "./node-target.js";
import { reportFlagShape, reportFlagSpecs, writeReport } from "./report-file.js";

const reportCommandFlagSpecs = {
  ...outputFlagSpecs,
  ...clusterFlagSpecs,
  ...reportFlagSpecs,
} satisfies ParseArgsOptionsConfig;
const reportCommandFlagSchema = z.object({ ...outputFlagShape, ...clusterFlagShape, ...reportFlagShape });

/**
 * `report <node | instance-id> --report FILE.html`: the timeline page of a drain that ran elsewhere (the
 * Lambda, the worker), drawn from the node's drain state and the drainer's Kubernetes Events.
 */
export async function reportCommand(args: readonly string[], context: CliContext): Promise<ExitCode> {
  const line = parseCommandLine("report", args, reportCommandFlagSpecs, reportCommandFlagSchema);
  if (line.help || line.flags === undefined) {
    context.terminal.write(reportHelp);
    return EXIT.ok;
  }
  const flags = line.flags;
  const argument = onePositional("report", line.positionals, "the node name or instance ID of the drain");
  if (flags.report === undefined && flags.output !== "json") {
    throw new UsageError("report needs --report FILE.html (or --output json)", "report");
  }
  const connection = connectWithFlags(flags, context);
  try {
    const target = await resolveNodeTarget(connection.client, connection.cluster, argument);
    const state = readStateOf(target.node, target.nodeName);
    const events = await listDrainerEvents(connection.client).catch((cause: unknown) => {
      throw clusterProblem(cause, connection.server);
    });
    const record = drainFromEvents({
      node: target.nodeName,
      ...(target.instanceId === undefined ? {} : { instanceId: target.instanceId }),
      ...(state === undefined ? {} : { state }),
      events,
    });
    if (record === undefined) {
      throw new CliError(
        `node ${target.nodeName} has no drain state and no drainer Events (Events expire after an hour by default)`,
        { selfContained: true },
      );
    }
    if (flags.report !== undefined) {
      const written = await writeReport(flags.report, record, context);
      context.terminal.log(`report written to ${written}\n`);
    }
    if (flags.output === "json") context.terminal.write(`${JSON.stringify(record, null, 2)}\n`);
    return EXIT.ok;
  } finally {
    await connection.close();
  }
}

function readStateOf(node: Parameters<typeof readDrainState>[0], nodeName: string) {
  try {
    return readDrainState(node);
  } catch (cause) {
    throw new CliError(`reading the drain state of node ${nodeName}`, { cause });
  }
}
