import { isAbsolute, resolve } from "node:path";
import type { ParseArgsOptionsConfig } from "node:util";
import * as z from "zod";
import type { CliContext } from "./cli-context.js";
import { CliError, UsageError } from "./cli-error.js";
import { parseCommandLine } from "./command-line.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { durationFlag, outputFlagShape, outputFlagSpecs, policyFlagShape } from "./flags.js";
import { simulateHelp } from "./help-text.js";
import { defaultScenarioPath } from "./package-root.js";
import { reportFlagShape, reportFlagSpecs, writeReport } from "./report-file.js";
import {
  simulationDocument,
  simulationExitCode,
  simulationHeader,
  simulationRecord,
  simulationSummary,
  timelineLine,
} from "./simulation-report.js";
import { runSimulation } from "./simulation-run.js";

const simulateFlagSpecs = {
  ...outputFlagSpecs,
  ...reportFlagSpecs,
  timeout: { type: "string" },
  "heartbeat-timeout": { type: "string" },
  "lambda-timeout": { type: "string" },
  via: { type: "string" },
  surge: { type: "string" },
  "drain-timeout": { type: "string" },
} satisfies ParseArgsOptionsConfig;

const simulateFlagSchema = z.object({
  ...outputFlagShape,
  ...reportFlagShape,
  timeout: durationFlag("5m"),
  "heartbeat-timeout": durationFlag("30s").refine((ms) => ms >= 30_000 && ms <= 7_200_000, {
    message: "a lifecycle hook's heartbeat timeout is 30s to 2h",
  }),
  "lambda-timeout": durationFlag("15m").refine((ms) => ms >= 31_000 && ms <= 900_000, {
    message: "a Lambda timeout here is 31s to 15m (the handler keeps 30s to hand off)",
  }),
  via: z.enum(["lambda", "worker"], { error: () => "expected lambda or worker" }).default("lambda"),
  surge: policyFlagShape.surge,
  "drain-timeout": durationFlag("1h").refine((ms) => ms >= 1_000 && ms % 1_000 === 0, {
    message: "the drain timeout is whole seconds, at least 1s",
  }),
});

/** `simulate [scenario-file]`: the production path against a simulated cluster and Auto Scaling group. */
export async function simulateCommand(args: readonly string[], context: CliContext): Promise<ExitCode> {
  const line = parseCommandLine("simulate", args, simulateFlagSpecs, simulateFlagSchema);
  if (line.help || line.flags === undefined) {
    context.terminal.write(simulateHelp);
    return EXIT.ok;
  }
  const flags = line.flags;
  if (line.positionals.length > 1) {
    throw new UsageError(`simulate: unexpected argument "${line.positionals[1]}"`, "simulate");
  }
  const [given] = line.positionals;
  const scenarioPath =
    given === undefined
      ? defaultScenarioPath(import.meta.url, context.cwd)
      : isAbsolute(given)
        ? given
        : resolve(context.cwd, given);
  if (scenarioPath === undefined) {
    throw new CliError("cannot find this package's scenarios/default.yaml: pass a scenario file");
  }
  const text = flags.output === "text";
  const jsonLines = flags["log-format"] === "json";
  let origin: number | undefined;
  const report = await runSimulation({
    scenarioPath,
    clock: context.clock,
    heartbeatTimeoutSeconds: Math.round(flags["heartbeat-timeout"] / 1000),
    lambdaTimeoutMs: flags["lambda-timeout"],
    via: flags.via,
    timeoutMs: flags.timeout,
    // The Lambda's own settings, as its environment would carry them.
    settings: { SURGE: flags.surge, DRAIN_TIMEOUT_SECONDS: String(flags["drain-timeout"] / 1000) },
    signal: context.signal,
    ...(context.random === undefined ? {} : { random: context.random }),
    onStart: (start) => {
      origin = start.startedAt;
      if (text) context.terminal.write(simulationHeader(start));
    },
    onEntries: (entries) => {
      for (const entry of entries) {
        if (entry.level === "detail" && !flags.verbose) continue;
        if (jsonLines) {
          // --log-format json: the timeline as JSON lines on stderr, whatever --output prints on stdout.
          const { at, deadlineAt, ...rest } = entry;
          const seconds = Math.round((at - (origin ?? at)) / 100) / 10;
          context.terminal.log(`${JSON.stringify({ time: new Date(at).toISOString(), seconds, ...rest })}\n`);
        } else if (text) {
          context.terminal.write(timelineLine(entry, origin ?? entry.at));
        }
      }
    },
    ...(flags.verbose
      ? {
          echo: (level, message, fields) =>
            context.terminal.log(
              flags["log-format"] === "json"
                ? `${JSON.stringify({ level, message, ...fields })}\n`
                : `handler ${level}: ${message} ${JSON.stringify(fields)}\n`,
            ),
        }
      : {}),
  });
  const document = simulationDocument(report);
  if (text) {
    context.terminal.write(simulationSummary(report));
  } else {
    context.terminal.write(`${JSON.stringify(document, null, 2)}\n`);
  }
  if (flags.report !== undefined) {
    const written = await writeReport(flags.report, simulationRecord(document), context);
    context.terminal.log(`report written to ${written}\n`);
  }
  return simulationExitCode(report);
}
