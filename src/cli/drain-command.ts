import type { ParseArgsOptionsConfig } from "node:util";
import * as z from "zod";
import type { ClusterPort } from "../drain/cluster-port.js";
import { isRetryable } from "../drain/cluster-port.js";
import { drainNode } from "../drain/drain-node.js";
import type { DrainResult } from "../drain/result.js";
import { DrainRecorder } from "../timeline/index.js";
import type { CliContext } from "./cli-context.js";
import { CliError, errorLine, UsageError } from "./cli-error.js";
import { connectToCluster } from "./cluster-connection.js";
import { onePositional, parseCommandLine } from "./command-line.js";
import { drainDocument, drainErrorDocument, drainText } from "./drain-report.js";
import { drainRecord, drainRecording } from "./drain-timeline.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import {
  clusterFlagShape,
  clusterFlagSpecs,
  graceFlagShape,
  graceFlagSpecs,
  outputFlagShape,
  outputFlagSpecs,
  policyFlagShape,
  policyFlagSpecs,
  policyOf,
} from "./flags.js";
import { withGracePeriod } from "./grace-period-cluster.js";
import { drainHelp } from "./help-text.js";
import { LifecycleCompleter } from "./lifecycle-completion.js";
import { isInstanceId, resolveNodeTarget } from "./node-target.js";
import { progressDisplay } from "./progress-display.js";
import { reportFlagShape, reportFlagSpecs, writeReport } from "./report-file.js";

const drainFlagSpecs = {
  ...outputFlagSpecs,
  ...reportFlagSpecs,
  ...clusterFlagSpecs,
  ...policyFlagSpecs,
  ...graceFlagSpecs,
  "dry-run": { type: "boolean" },
  "complete-lifecycle-action": { type: "boolean" },
  asg: { type: "string" },
  hook: { type: "string" },
  result: { type: "string" },
  region: { type: "string" },
} satisfies ParseArgsOptionsConfig;

const lifecycleResult = z
  .string()
  .default("CONTINUE")
  .transform((text) => text.toUpperCase())
  .pipe(z.enum(["CONTINUE", "ABANDON"], { error: () => "expected CONTINUE or ABANDON" }));

const drainFlagSchema = z
  .object({
    ...outputFlagShape,
    ...reportFlagShape,
    ...clusterFlagShape,
    ...policyFlagShape,
    ...graceFlagShape,
    "dry-run": z.boolean().default(false),
    "complete-lifecycle-action": z.boolean().default(false),
    asg: z.string().min(1, "needs an Auto Scaling group name").optional(),
    hook: z.string().min(1, "needs a lifecycle hook name").optional(),
    result: lifecycleResult,
    region: z.string().min(1, "needs a region").optional(),
  })
  .superRefine((flags, context) => {
    if (flags["complete-lifecycle-action"]) {
      for (const flag of ["asg", "hook"] as const) {
        if (flags[flag] === undefined) {
          context.addIssue({
            code: "custom",
            path: [flag],
            message: "required with --complete-lifecycle-action",
          });
        }
      }
    }
  });

type DrainFlags = z.output<typeof drainFlagSchema>;

/** `drain <node | instance-id>`: parse, connect, find the node, drain it, report. Returns the exit code. */
export async function drainCommand(args: readonly string[], context: CliContext): Promise<ExitCode> {
  const line = parseCommandLine("drain", args, drainFlagSpecs, drainFlagSchema);
  if (line.help || line.flags === undefined) {
    context.terminal.write(drainHelp);
    return EXIT.ok;
  }
  const flags = line.flags;
  const argument = onePositional("drain", line.positionals, "the node name or instance ID to drain");
  if (!flags["complete-lifecycle-action"]) {
    const stray = (["asg", "hook", "region"] as const).find((flag) => flags[flag] !== undefined);
    if (stray !== undefined) {
      throw new UsageError(`--${stray} is only used with --complete-lifecycle-action`, "drain");
    }
  }
  try {
    return await drain(argument, flags, context);
  } catch (error) {
    if (flags.output === "json" && error instanceof CliError) {
      const document = drainErrorDocument(
        error.exitCode,
        { message: errorLine(error), retryable: isRetryable(error) },
        {
          dryRun: flags["dry-run"],
          ...(isInstanceId(argument) ? { instanceId: argument } : { node: argument }),
        },
      );
      context.terminal.write(`${JSON.stringify(document, null, 2)}\n`);
    }
    throw error;
  }
}

async function drain(argument: string, flags: DrainFlags, context: CliContext): Promise<ExitCode> {
  const policy = policyOf(flags, flags["dry-run"]);
  const connection = connectToCluster({
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    requestTimeoutMs: flags["request-timeout"],
    env: context.env,
    clock: context.clock,
  });
  const display = progressDisplay(context.terminal, {
    logFormat: flags["log-format"],
    verbose: flags.verbose,
    clock: context.clock,
  });
  try {
    const target = await resolveNodeTarget(connection.client, connection.cluster, argument);
    display.note(
      target.by === "provider-id"
        ? `instance ${argument} is node ${target.nodeName}`
        : `node ${target.nodeName}${target.instanceId === undefined ? "" : ` (instance ${target.instanceId})`}`,
      "detail",
    );
    const completer = flags["complete-lifecycle-action"]
      ? lifecycleCompleter(flags, target.instanceId, target.nodeName, context, display.note.bind(display))
      : undefined;
    await completer?.prepare();
    const grace = flags["grace-period"];
    // Recorded for the JSON document and the report, from what the drain's own lists and watches receive.
    const recorder =
      flags.output === "json" || flags.report !== undefined
        ? new DrainRecorder(context.clock, policy)
        : undefined;
    const graced = grace === undefined ? connection.cluster : withGracePeriod(connection.cluster, grace);
    const cluster: ClusterPort = recorder === undefined ? graced : recorder.watching(graced);
    const run = (): Promise<DrainResult> =>
      drainNode({
        cluster,
        clock: context.clock,
        nodeName: target.nodeName,
        policy,
        deadline: context.clock.now() + flags.timeout,
        signal: context.signal,
        observer: (event) => {
          recorder?.observe(event);
          display.observe(event);
        },
        ...(context.random === undefined ? {} : { random: context.random }),
      });
    const result = completer === undefined ? await run() : await completer.during(run, flags["dry-run"]);
    display.close();
    const lifecycleAction = await completer?.finish(result);
    const lifecycleFailed = lifecycleAction?.outcome === "failed";
    const exitCode = lifecycleFailed ? EXIT.error : exitCodeOf(result);
    const outcome = {
      result,
      exitCode,
      dryRun: flags["dry-run"],
      ...(target.instanceId === undefined ? {} : { instanceId: target.instanceId }),
      ...(lifecycleAction === undefined ? {} : { lifecycleAction }),
      ...(recorder === undefined ? {} : { recording: drainRecording(recorder, result.startedAt) }),
    };
    context.terminal.write(
      flags.output === "json" ? `${JSON.stringify(drainDocument(outcome), null, 2)}\n` : drainText(outcome),
    );
    if (flags.report !== undefined) {
      const title = `drain ${argument}${flags["dry-run"] ? " --dry-run" : ""}`;
      const written = await writeReport(flags.report, drainRecord(drainDocument(outcome), title), context);
      context.terminal.log(`report written to ${written}\n`);
    }
    if (result.status === "failed" && result.error !== undefined) {
      context.terminal.log(`error: drain of ${target.nodeName} failed: ${result.error.message}\n`);
    }
    if (lifecycleFailed) {
      context.terminal.log(`error: completing the lifecycle action failed: ${lifecycleAction.reason}\n`);
    }
    return exitCode;
  } finally {
    display.close();
    await connection.close();
  }
}

function lifecycleCompleter(
  flags: DrainFlags,
  instanceId: string | undefined,
  nodeName: string,
  context: CliContext,
  note: (text: string, level?: "info" | "warn" | "detail") => void,
): LifecycleCompleter {
  if (instanceId === undefined) {
    throw new CliError(
      `node ${nodeName} has no AWS spec.providerID: pass the instance ID to complete its lifecycle action`,
    );
  }
  return new LifecycleCompleter(
    context.lifecycleActions(flags.region),
    { asgName: flags.asg ?? "", hookName: flags.hook ?? "", instanceId, result: flags.result },
    context.clock,
    note,
  );
}

/** 0 drained (or planned), 2 deadline reached, 130 interrupted, 1 failed. */
export function exitCodeOf(result: DrainResult): ExitCode {
  switch (result.status) {
    case "drained":
    case "planned":
      return EXIT.ok;
    case "deadline-forced":
    case "deadline-left":
      return EXIT.deadline;
    case "in-progress":
      return EXIT.interrupted;
    default:
      return EXIT.error;
  }
}
