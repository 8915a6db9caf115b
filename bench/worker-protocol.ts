import * as z from "zod";
import { SURGE_MODES } from "../src/drain/surge-policy.js";
import type { DrainRecord } from "../src/timeline/index.js";

/** What the bench asks of the drain worker (bench/drain-worker.ts), passed as one JSON argument. */
export const workerRequestSchema = z.object({
  /** The API server (https://…), its CA (base64 PEM) and a bearer token, as the Lambda gets them from EKS. */
  server: z.string().startsWith("https://"),
  caData: z.string().min(1),
  token: z.string().min(1),
  /** Nodes to drain, all at once. */
  nodes: z.array(z.string().min(1)).min(1),
  /** Seeds each drain's jitter (seed + index). */
  seed: z.number().int(),
  /** Each drain's deadline from its start. */
  timeoutMs: z
    .number()
    .int()
    .positive()
    .default(10 * 60_000),
  /** The node whose drain is recorded for its HTML report (one per scenario: recording all 50 of a fleet costs memory). */
  recordNode: z.string().min(1).optional(),
  /** The drain policy's surge mode (the Lambda's SURGE). */
  surge: z.enum(SURGE_MODES).default("annotated"),
  /**
   * Drain the nodes as one process does (the CLI with several nodes, the queue worker): one client, one
   * budget watch and one gate per budget for all (SharedBudgets). Default: a client and a view each, as
   * concurrent Lambda invocations would, meeting each other only through the API server.
   */
  sharedBudgets: z.boolean().default(false),
  /** A drain still running this long after its start stops ("in-progress"): a stuck drain is reported, not waited for. */
  stopAfterMs: z
    .number()
    .int()
    .positive()
    .default(3 * 60_000),
});

export type WorkerRequest = z.input<typeof workerRequestSchema>;
/** A request as the worker reads it, defaults filled in. */
export type WorkerSettings = z.output<typeof workerRequestSchema>;

/** One drain as the worker saw it. */
export interface WorkerDrain {
  nodeName: string;
  /** The engine's DrainStatus, or "crashed" when drainNode threw. */
  status: string;
  /** From calling drainNode to its return (reading the node, cordon, evictions, until the pods are gone). */
  wallMs: number;
  evicted: number;
  forced: number;
  remaining: number;
  error?: string;
  /** The drain as recorded (the request's recordNode only): what its HTML report is drawn from. */
  record?: DrainRecord;
}

/** The worker's one line of output. */
export interface WorkerReport {
  drains: WorkerDrain[];
  /** From the first drain's start to the last one's end. */
  wallMs: number;
  /** Peak resident set of the worker process (process.resourceUsage().maxRSS), KB. */
  maxRssKb: number;
}

export const workerReportSchema = z.object({
  drains: z.array(
    z.object({
      nodeName: z.string(),
      status: z.string(),
      wallMs: z.number(),
      evicted: z.number(),
      forced: z.number(),
      remaining: z.number(),
      error: z.string().optional(),
      // Made by this project's own drainRecord in the worker; the report reads it as it is.
      record: z.custom<DrainRecord>((value) => typeof value === "object" && value !== null).optional(),
    }),
  ),
  wallMs: z.number(),
  maxRssKb: z.number(),
}) satisfies z.ZodType<WorkerReport>;
