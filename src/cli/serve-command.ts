import type { ParseArgsOptionsConfig } from "node:util";
import * as z from "zod";
import { S3ReportStore } from "../aws/s3-report-store.js";
import { parseDuration } from "../drain/duration.js";
import {
  DEADLINE_RESULTS,
  LogRedactor,
  notifierFromSettings,
  ON_DEADLINE_SETTINGS,
  readSettings,
  redactedLog,
  resolveDeadline,
  type SettingSpelling,
  SettingsError,
} from "../lifecycle/index.js";
import type { CliContext } from "./cli-context.js";
import { CliError, UsageError } from "./cli-error.js";
import { connectWithFlags } from "./cluster-connection.js";
import { parseCommandLine } from "./command-line.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { choice, durationFlag } from "./flags.js";
import { startHealthServer } from "./health-server.js";
import { serveHelp } from "./help-text.js";
import { lineLog } from "./line-log.js";
import { WorkerMetrics } from "./worker-metrics.js";
import { wireQueueWorker } from "./worker-wiring.js";

const serveFlagSpecs = {
  help: { type: "boolean", short: "h" },
  verbose: { type: "boolean", short: "v" },
  "log-format": { type: "string" },
  "queue-url": { type: "string" },
  region: { type: "string" },
  "cluster-name": { type: "string" },
  "asg-names": { type: "string" },
  kubeconfig: { type: "string" },
  context: { type: "string" },
  "request-timeout": { type: "string" },
  concurrency: { type: "string" },
  "wait-time": { type: "string" },
  "visibility-timeout": { type: "string" },
  "retry-delay": { type: "string" },
  "drain-timeout": { type: "string" },
  "on-deadline": { type: "string" },
  "deadline-result": { type: "string" },
  "evict-daemonsets": { type: "boolean" },
  "delete-node": { type: "boolean" },
  settle: { type: "string" },
  "skip-volume-detach-wait": { type: "boolean" },
  "notify-topic-arn": { type: "string" },
  "webhook-url-parameter": { type: "string" },
  listen: { type: "string" },
} satisfies ParseArgsOptionsConfig;

/** A duration in whole seconds within [min, max] ("0s" included when min is 0). */
const wholeSeconds = (fallback: string, min: number, max: number, what: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, context) => {
      const ms = /^\s*0+(ms|s|m|h)?\s*$/.test(text) ? 0 : parseDuration(text);
      if (ms === undefined) {
        context.addIssue({ code: "custom", message: `expected a duration such as 30s or 5m, got "${text}"` });
        return z.NEVER;
      }
      return ms;
    })
    .refine((ms) => ms % 1000 === 0 && ms >= min * 1000 && ms <= max * 1000, {
      message: `${what} is whole seconds from ${min}s to ${max}s`,
    });

const serveFlagSchema = z.object({
  verbose: z.boolean().default(false),
  "log-format": z.enum(["text", "json"], { error: () => "expected text or json" }).default("json"),
  "queue-url": z.url({ error: "needs the notices queue's URL" }),
  region: z.string().min(1, "needs a region").optional(),
  "cluster-name": z.string().min(1, "needs the name of the cluster this worker runs in"),
  "asg-names": z.string().optional(),
  kubeconfig: z.string().min(1, "needs a file path").optional(),
  context: z.string().min(1, "needs a context name").optional(),
  "request-timeout": durationFlag("30s"),
  concurrency: z.coerce.number().int().min(1).max(100).default(4),
  "wait-time": wholeSeconds("20s", 0, 20, "a long poll"),
  "visibility-timeout": wholeSeconds("60s", 3, 43_200, "a visibility timeout"),
  "retry-delay": wholeSeconds("30s", 0, 43_200, "a retry delay"),
  "drain-timeout": wholeSeconds("1h", 1, 172_800, "a drain timeout"),
  // abandon and default-result: older spellings of leave with --deadline-result of the same name.
  "on-deadline": choice(ON_DEADLINE_SETTINGS).default("force"),
  "deadline-result": choice(DEADLINE_RESULTS).optional(),
  "evict-daemonsets": z.boolean().default(false),
  "delete-node": z.boolean().default(false),
  settle: wholeSeconds("0s", 0, 3600, "a settle time"),
  "skip-volume-detach-wait": z.boolean().default(false),
  "notify-topic-arn": z.string().min(1).optional(),
  "webhook-url-parameter": z.string().min(1).optional(),
  listen: z
    .string()
    .regex(/^([0-9.]*|\[[0-9a-f:]*\]):\d{1,5}$/i, "expected [host]:port, e.g. :8080 or 127.0.0.1:0")
    .default(":8080"),
});

const flagSpelling: SettingSpelling = (setting, value) =>
  `${setting === "onDeadline" ? "--on-deadline" : "--deadline-result"} ${value}`;

/**
 * --on-deadline and --deadline-result as the settings they carry; an older --on-deadline value is read as
 * what it means (with a warning), and one that --deadline-result contradicts is a usage error.
 */
function deadlineSettingsOf(flags: z.output<typeof serveFlagSchema>) {
  const given = flags["deadline-result"];
  const picked = resolveDeadline(flags["on-deadline"], given, flagSpelling);
  if (!picked.ok) throw new UsageError(picked.problem, "serve");
  // Without a --deadline-result of its own, DEADLINE_RESULT in the environment stands.
  const result =
    given === undefined && picked.warning === undefined ? {} : { DEADLINE_RESULT: picked.deadlineResult };
  return { settings: { ON_DEADLINE: picked.onDeadline, ...result }, warning: picked.warning };
}

/**
 * `serve`: the in-cluster queue worker. Kubernetes through the pod's service account (or --kubeconfig),
 * AWS through the default credential chain (IRSA, EKS Pod Identity). Parses, wires, runs until SIGTERM.
 */
export async function serveCommand(args: readonly string[], context: CliContext): Promise<ExitCode> {
  const line = parseCommandLine("serve", args, serveFlagSpecs, serveFlagSchema);
  if (line.help || line.flags === undefined) {
    context.terminal.write(serveHelp);
    return EXIT.ok;
  }
  if (line.positionals.length > 0) {
    throw new UsageError(`serve: unexpected argument "${line.positionals[0]}"`, "serve");
  }
  const flags = line.flags;
  const region = flags.region ?? context.env.AWS_REGION ?? context.env.AWS_DEFAULT_REGION;
  if (region === undefined || region === "") {
    throw new UsageError("--region: needed (or AWS_REGION in the environment)", "serve");
  }
  const deadline = deadlineSettingsOf(flags);
  let settings: ReturnType<typeof readSettings>;
  try {
    // The Lambda's settings from the environment (SURGE, LAUNCH_*, WAIT_FOR_TARGET_DEREGISTRATION…, as
    // deploy/in-cluster sets them), then the flags, which win for the settings they carry.
    settings = readSettings({
      ...context.env,
      ...deadline.settings,
      CLUSTER_NAME: flags["cluster-name"],
      ASG_NAMES: flags["asg-names"],
      DRAIN_TIMEOUT_SECONDS: String(flags["drain-timeout"] / 1000),
      EVICT_DAEMONSETS: String(flags["evict-daemonsets"]),
      DELETE_NODE: String(flags["delete-node"]),
      SETTLE_SECONDS: String(flags.settle / 1000),
      WAIT_FOR_VOLUME_DETACH: String(!flags["skip-volume-detach-wait"]),
      QUEUE_URL: flags["queue-url"],
      NOTIFY_TOPIC_ARN: flags["notify-topic-arn"],
      WEBHOOK_URL_PARAMETER: flags["webhook-url-parameter"],
    });
  } catch (error) {
    if (error instanceof SettingsError) throw new UsageError(error.message, "serve");
    throw error;
  }
  const redactor = new LogRedactor();
  const log = redactedLog(
    lineLog(context.terminal, flags["log-format"], context.clock, flags.verbose),
    redactor,
  );
  if (deadline.warning !== undefined) log.warn(deadline.warning);
  const connection = connectWithFlags(flags, context);
  const metrics = new WorkerMetrics();
  const notifications = notifierFromSettings(settings, { onSecret: (secret) => redactor.addSecret(secret) });
  for (const problem of notifications.problems) log.error("webhook notifications are off", { problem });
  const sqs = await context.queueClient(region);
  const worker = wireQueueWorker({
    settings,
    clock: context.clock,
    lifecycle: await context.lifecycleActions(region),
    loadBalancing: await context.loadBalancing?.(region),
    instances: await context.instanceDirectory(region),
    link: { clusterName: flags["cluster-name"], client: connection.client, port: connection.cluster },
    sqs,
    queueUrl: flags["queue-url"],
    log,
    telemetry: {
      metricsSink: metrics,
      ...(notifications.notifier === undefined ? {} : { notifier: notifications.notifier }),
    },
    tuning: {
      concurrency: flags.concurrency,
      waitTimeSeconds: flags["wait-time"] / 1000,
      visibilityTimeoutSeconds: flags["visibility-timeout"] / 1000,
      retryDelaySeconds: flags["retry-delay"] / 1000,
      onSettled: ({ result }) => metrics.messageSettled(result),
    },
    random: context.random,
    ...(settings.REPORT_BUCKET === undefined
      ? {}
      : { reports: new S3ReportStore(settings.REPORT_BUCKET, { region }) }),
  });
  metrics.watchInFlight(() => worker.inFlight);
  let health: Awaited<ReturnType<typeof startHealthServer>>;
  try {
    health = await startHealthServer(flags.listen, {
      healthy: () => true,
      ready: () => worker.ready && !context.signal.aborted,
      metrics: () => metrics.text(),
    });
  } catch (cause) {
    await connection.close();
    throw new CliError(`listening on ${flags.listen}`, { cause });
  }
  log.info("serving", {
    queueUrl: flags["queue-url"],
    cluster: flags["cluster-name"],
    concurrency: flags.concurrency,
    health: `${health.url}/healthz`,
    ready: `${health.url}/readyz`,
    metrics: `${health.url}/metrics`,
  });
  try {
    await worker.run(context.signal);
    log.info("stopped: every message in flight was settled");
    return EXIT.ok;
  } finally {
    await health.close();
    await connection.close();
    sqs.destroy();
  }
}
