import type { ParseArgsOptionsConfig } from "node:util";
import * as z from "zod";
import type { ClusterPort } from "../drain/cluster-port.js";
import { isRetryable } from "../drain/cluster-port.js";
import { drainNode } from "../drain/drain-node.js";
import type { DrainEvent } from "../drain/events.js";
import type { DrainResult } from "../drain/result.js";
import { SharedBudgets } from "../drain/shared-budgets.js";
import { DEADLINE_RESULTS } from "../lifecycle/index.js";
import { DrainRecorder } from "../timeline/index.js";
import type { CliContext } from "./cli-context.js";
import { CliError, errorLine, UsageError } from "./cli-error.js";
import { type ClusterConnection, connectWithFlags } from "./cluster-connection.js";
import { parseCommandLine } from "./command-line.js";
import type { ProgressDisplay } from "./display.js";
import { drainDocument, drainErrorDocument, drainText } from "./drain-report.js";
import { drainRecord, drainRecording } from "./drain-timeline.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import {
  choice,
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
import {
  describeHookOrFail,
  drainForLifecycleAction,
  type LifecycleRequest,
} from "./lifecycle-completion.js";
import { cordonBarrier, nodesMatching } from "./node-selection.js";
import { isInstanceId, type NodeTarget, resolveNodeTarget } from "./node-target.js";
import { progressDisplay } from "./progress-display.js";
import { reportFlagShape, reportFlagSpecs, writeReport } from "./report-file.js";

const drainFlagSpecs = {
  ...outputFlagSpecs,
  ...reportFlagSpecs,
  ...clusterFlagSpecs,
  ...policyFlagSpecs,
  ...graceFlagSpecs,
  "dry-run": { type: "string" },
  selector: { type: "string", short: "l" },
  "complete-lifecycle-action": { type: "boolean" },
  asg: { type: "string" },
  hook: { type: "string" },
  result: { type: "string" },
  "deadline-result": { type: "string" },
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
    // kubectl's --dry-run: none (default), client, server; a bare --dry-run means client, as in kubectl.
    "dry-run": z
      .enum(["none", "client", "server"], {
        error: (issue) => `expected none, client or server, got "${String(issue.input)}"`,
      })
      .default("none"),
    selector: z.string().min(1, "needs a label selector").optional(),
    "complete-lifecycle-action": z.boolean().default(false),
    asg: z.string().min(1, "needs an Auto Scaling group name").optional(),
    hook: z.string().min(1, "needs a lifecycle hook name").optional(),
    result: lifecycleResult,
    "deadline-result": choice(DEADLINE_RESULTS).default("default-result"),
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

/**
 * `drain <node | instance-id>... | --selector SEL`: parse, connect, find the nodes, drain them together
 * (every node cordoned before any eviction), report. Returns the exit code.
 */
export async function drainCommand(args: readonly string[], context: CliContext): Promise<ExitCode> {
  const line = parseCommandLine(
    "drain",
    args.map((arg) => (arg === "--dry-run" ? "--dry-run=client" : arg)),
    drainFlagSpecs,
    drainFlagSchema,
  );
  if (line.help || line.flags === undefined) {
    context.terminal.write(drainHelp);
    return EXIT.ok;
  }
  const flags = line.flags;
  const names = line.positionals.filter((name) => name.trim() !== "");
  if (flags.selector !== undefined && names.length > 0) {
    throw new UsageError("drain: give node names or instance IDs, or --selector, not both", "drain");
  }
  if (flags.selector === undefined && names.length === 0) {
    throw new UsageError(
      "drain: missing the node name or instance ID to drain (several may be given, or --selector)",
      "drain",
    );
  }
  if (!flags["complete-lifecycle-action"]) {
    const stray = (["asg", "hook", "region"] as const).find((flag) => flags[flag] !== undefined);
    if (stray !== undefined) {
      throw new UsageError(`--${stray} is only used with --complete-lifecycle-action`, "drain");
    }
  } else if (names.length !== 1) {
    throw new UsageError(
      "--complete-lifecycle-action drains one node (its instance's lifecycle action)",
      "drain",
    );
  }
  const dryRun = flags["dry-run"] !== "none";
  try {
    return await drain(names, flags, context);
  } catch (error) {
    const [argument] = names;
    if (flags.output === "json" && error instanceof CliError && names.length <= 1) {
      const document = drainErrorDocument(
        error.exitCode,
        { message: errorLine(error), retryable: isRetryable(error) },
        {
          dryRun,
          ...(argument === undefined
            ? {}
            : isInstanceId(argument)
              ? { instanceId: argument }
              : { node: argument }),
        },
      );
      context.terminal.write(`${JSON.stringify(document, null, 2)}\n`);
    }
    throw error;
  }
}

async function drain(names: readonly string[], flags: DrainFlags, context: CliContext): Promise<ExitCode> {
  const dryRun = flags["dry-run"] !== "none";
  const policy = policyOf(flags, dryRun);
  const connection = connectWithFlags(flags, context);
  const display = progressDisplay(context.terminal, {
    logFormat: flags["log-format"],
    verbose: flags.verbose,
    clock: context.clock,
  });
  try {
    if (flags["disable-eviction"]) {
      display.note(
        "--disable-eviction: pods are deleted, not evicted; the API server does not check PodDisruptionBudgets (the drain still paces by their status)",
        "warn",
      );
    }
    if (flags["dry-run"] === "server") {
      display.note("--dry-run=server: planned from the server's state; no dry-run writes are sent", "detail");
    }
    const arguments_ =
      flags.selector === undefined ? names : await nodesMatching(connection.client, flags.selector);
    const targets: NodeTarget[] = [];
    for (const argument of arguments_) {
      const target = await resolveNodeTarget(connection.client, connection.cluster, argument);
      display.note(
        target.by === "provider-id"
          ? `instance ${argument} is node ${target.nodeName}`
          : `node ${target.nodeName}${target.instanceId === undefined ? "" : ` (instance ${target.instanceId})`}`,
        "detail",
      );
      if (!targets.some((known) => known.nodeName === target.nodeName)) targets.push(target);
    }
    const setup = { flags, policy, connection, display, context };
    if (targets.length === 1 && targets[0] !== undefined) return await drainOne(targets[0], setup);
    return await drainTogether(targets, setup);
  } finally {
    display.close();
    await connection.close();
  }
}

function clusterFor(connection: ClusterConnection, flags: DrainFlags): ClusterPort {
  const grace = flags["grace-period"];
  return grace === undefined ? connection.cluster : withGracePeriod(connection.cluster, grace);
}

/** What every drain of one command shares. */
interface DrainSetup {
  flags: DrainFlags;
  policy: ReturnType<typeof policyOf>;
  connection: ClusterConnection;
  display: ProgressDisplay;
  context: CliContext;
}

async function drainOne(target: NodeTarget, setup: DrainSetup): Promise<ExitCode> {
  const { flags, policy, connection, display, context } = setup;
  const dryRun = flags["dry-run"] !== "none";
  // Recorded for the JSON document and the report, from what the drain's own lists and watches receive.
  const recorder =
    flags.output === "json" || flags.report !== undefined
      ? new DrainRecorder(context.clock, policy)
      : undefined;
  const graced = clusterFor(connection, flags);
  const cluster: ClusterPort = recorder === undefined ? graced : recorder.watching(graced);
  const deadline = context.clock.now() + flags.timeout;
  const observer = (event: DrainEvent) => {
    recorder?.observe(event);
    display.observe(event);
  };
  if (flags["complete-lifecycle-action"] && dryRun) {
    await describeHookOrFail(await context.lifecycleActions(flags.region), flags.asg ?? "", flags.hook ?? "");
  }
  const hookDrain =
    flags["complete-lifecycle-action"] && !dryRun
      ? await drainForLifecycleAction({
          ...lifecycleRequest(flags, target.instanceId, target.nodeName),
          lifecycle: await context.lifecycleActions(flags.region),
          link: { clusterName: flags.context ?? "kubeconfig", client: connection.client, port: cluster },
          nodeName: target.nodeName,
          policy,
          clock: context.clock,
          deadline,
          signal: context.signal,
          observer,
          note: display.note.bind(display),
          random: context.random,
        })
      : undefined;
  const result =
    hookDrain?.result ??
    (await drainNode({
      cluster,
      clock: context.clock,
      nodeName: target.nodeName,
      policy,
      deadline,
      signal: context.signal,
      observer,
      ...(context.random === undefined ? {} : { random: context.random }),
    }));
  display.close();
  const lifecycleAction =
    hookDrain?.lifecycleAction ??
    (flags["complete-lifecycle-action"]
      ? { ...lifecycleRequest(flags, target.instanceId, target.nodeName), ...dryRunCompletion }
      : undefined);
  const lifecycleFailed = lifecycleAction?.outcome === "failed";
  const exitCode = lifecycleFailed ? EXIT.error : exitCodeOf(result);
  const outcome = {
    result,
    exitCode,
    dryRun,
    ...(target.instanceId === undefined ? {} : { instanceId: target.instanceId }),
    ...(lifecycleAction === undefined ? {} : { lifecycleAction }),
    ...(recorder === undefined ? {} : { recording: drainRecording(recorder, result.startedAt) }),
  };
  context.terminal.write(
    flags.output === "json" ? `${JSON.stringify(drainDocument(outcome), null, 2)}\n` : drainText(outcome),
  );
  if (flags.report !== undefined) {
    const title = `drain ${target.nodeName}${dryRun ? " --dry-run" : ""}`;
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
}

/** A dry run never completes the action. */
const dryRunCompletion = { outcome: "not-completed", reason: "dry run", heartbeats: 0 } as const;

/** The connection pool of a kubeconfig client (src/kube/pooled-kube-config.ts). */
const DEFAULT_CONNECTIONS = 16;

/** Several nodes: each drained by its own engine, all at once, evictions only once every node is cordoned. */
async function drainTogether(targets: readonly NodeTarget[], setup: DrainSetup): Promise<ExitCode> {
  const { flags, policy, connection, display, context } = setup;
  if (flags.report !== undefined) throw new UsageError("--report draws the drain of one node", "drain");
  const dryRun = flags["dry-run"] !== "none";
  const barrier = cordonBarrier(targets.length);
  // Every drain's pod watch keeps a connection open: beyond half the default pool (16) too few would be
  // left for the evictions. A pool sized for them: one connection per node, the budget watch, 15 more.
  const wide =
    targets.length <= DEFAULT_CONNECTIONS / 2
      ? undefined
      : connectWithFlags(flags, context, { connections: targets.length + 16 });
  const cluster = clusterFor(wide ?? connection, flags);
  // One watch of the budgets and one gate per budget for all of them (src/drain/shared-budgets.ts).
  const sharedBudgets = new SharedBudgets({
    policy,
    random: context.random ?? Math.random,
    identity: targets.map((target) => target.nodeName).join(","),
  });
  sharedBudgets.open(cluster);
  const results = await Promise.all(
    targets.map((target) =>
      drainNode({
        cluster,
        clock: context.clock,
        nodeName: target.nodeName,
        policy,
        deadline: context.clock.now() + flags.timeout,
        signal: context.signal,
        evictionGate: barrier.gate,
        sharedBudgets,
        observer: (event) => {
          if (event.kind === "cordoned" || event.kind === "finished") barrier.arrived(target.nodeName);
          display.observe(event);
        },
        ...(context.random === undefined ? {} : { random: context.random }),
      }).finally(() => barrier.arrived(target.nodeName)),
    ),
  ).finally(async () => {
    sharedBudgets.close();
    await wide?.close();
  });
  display.close();
  const outcomes = results.map((result, index) => {
    const instanceId = targets[index]?.instanceId;
    return {
      result,
      exitCode: exitCodeOf(result),
      dryRun,
      ...(instanceId === undefined ? {} : { instanceId }),
    };
  });
  const exitCode = worstExitCode(outcomes.map((outcome) => outcome.exitCode));
  context.terminal.write(
    flags.output === "json"
      ? `${JSON.stringify({ kind: "DrainResultList", exitCode, items: outcomes.map(drainDocument) }, null, 2)}\n`
      : outcomes.map(drainText).join(""),
  );
  for (const { result } of outcomes) {
    if (result.status === "failed" && result.error !== undefined) {
      context.terminal.log(`error: drain of ${result.nodeName} failed: ${result.error.message}\n`);
    }
  }
  return exitCode;
}

/** Of several drains: an error first, then an interruption, then a deadline, else done. */
function worstExitCode(codes: readonly ExitCode[]): ExitCode {
  for (const code of [EXIT.error, EXIT.interrupted, EXIT.deadline] as const) {
    if (codes.includes(code)) return code;
  }
  return EXIT.ok;
}

function lifecycleRequest(
  flags: DrainFlags,
  instanceId: string | undefined,
  nodeName: string,
): LifecycleRequest {
  if (instanceId === undefined) {
    throw new CliError(
      `node ${nodeName} has no AWS spec.providerID: pass the instance ID to complete its lifecycle action`,
    );
  }
  return {
    asgName: flags.asg ?? "",
    hookName: flags.hook ?? "",
    instanceId,
    result: flags.result,
    deadlineResult: flags["deadline-result"],
  };
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
