import type { ParseArgsOptionsConfig } from "node:util";
import * as z from "zod";
import { type RestoreResult, restoreNode } from "../drain/restore-node.js";
import { LIFECYCLE_RECORD_ANNOTATION } from "../lifecycle/index.js";
import type { CliContext } from "./cli-context.js";
import { connectWithFlags } from "./cluster-connection.js";
import { onePositional, parseCommandLine } from "./command-line.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { clusterFlagShape, clusterFlagSpecs, outputFlagShape, outputFlagSpecs } from "./flags.js";
import { uncordonHelp } from "./help-text.js";
import { clusterProblem, resolveNodeTarget } from "./node-target.js";

const uncordonFlagSpecs = {
  ...outputFlagSpecs,
  ...clusterFlagSpecs,
  "dry-run": { type: "boolean" },
} satisfies ParseArgsOptionsConfig;
const uncordonFlagSchema = z.object({
  ...outputFlagShape,
  ...clusterFlagShape,
  "dry-run": z.boolean().default(false),
});

/**
 * `uncordon <node | instance-id>`: undoes what a drain changed on the node (the restore an instance that
 * comes back gets), and nothing an operator did: see src/drain/restore-node.ts.
 */
export async function uncordonCommand(args: readonly string[], context: CliContext): Promise<ExitCode> {
  const line = parseCommandLine("uncordon", args, uncordonFlagSpecs, uncordonFlagSchema);
  if (line.help || line.flags === undefined) {
    context.terminal.write(uncordonHelp);
    return EXIT.ok;
  }
  const flags = line.flags;
  const argument = onePositional("uncordon", line.positionals, "the node name or instance ID to restore");
  const connection = connectWithFlags(flags, context);
  try {
    const target = await resolveNodeTarget(connection.client, connection.cluster, argument);
    const result = await restoreNode({
      cluster: connection.cluster,
      nodeName: target.nodeName,
      dryRun: flags["dry-run"],
      alsoRemoveAnnotations: [LIFECYCLE_RECORD_ANNOTATION],
    }).catch((cause: unknown) => {
      throw clusterProblem(
        cause instanceof Error && cause.cause !== undefined ? cause.cause : cause,
        connection.server,
      );
    });
    context.terminal.write(
      flags.output === "json" ? `${JSON.stringify(result, null, 2)}\n` : restoreText(result),
    );
    return EXIT.ok;
  } finally {
    await connection.close();
  }
}

function restoreText(result: RestoreResult): string {
  const node = `node ${result.nodeName}`;
  if (result.status === "nothing" || result.status === "node-not-found") {
    return `${node}: nothing to restore (${result.notes.join("; ")})\n`;
  }
  const changes = [
    ...(result.uncordoned ? ["uncordoned"] : []),
    ...result.taintsRemoved.map((key) => `taint ${key} removed`),
    ...result.labelsRemoved.map((key) => `label ${key} removed`),
    ...result.annotationsRemoved.map((key) => `annotation ${key} removed`),
  ];
  const head = result.status === "planned" ? `${node} (dry run, nothing changed)` : `${node} restored`;
  const lines = [...changes.map((change) => `  ${change}`), ...result.notes.map((note) => `  note: ${note}`)];
  return `${head}\n${lines.join("\n")}\n`;
}
