import * as z from "zod";

/**
 * What a surge changed, written down before it is changed (STYLE 14): on the Deployment (annotation
 * `eks-node-drainer/surge-record`, label `eks-node-drainer/surged` so any later drain can list them)
 * and in the drain state (`surges`), so that it is restored after the eviction, at the end of the drain,
 * after a crash, and by a later drain when the one that made it is gone.
 */
export const SURGE_RECORD_ANNOTATION = "eks-node-drainer/surge-record";
export const SURGED_LABEL = "eks-node-drainer/surged";

const recordSchema = z.object({
  node: z.string().min(1),
  replicas: z.number().int().min(0),
  surged: z.number().int().min(1),
  at: z.iso.datetime({ offset: true }),
  deadline: z.iso.datetime({ offset: true }),
});

/** The record on a Deployment: the node whose drain surged it, the replicas before and after, when. */
export interface SurgeRecord {
  node: string;
  replicas: number;
  surged: number;
  at: number;
  /** The drain's deadline: past it (and a grace), the record belongs to no running drain. */
  deadline: number;
}

export function encodeSurgeRecord(record: SurgeRecord): string {
  return JSON.stringify({
    ...record,
    at: new Date(record.at).toISOString(),
    deadline: new Date(record.deadline).toISOString(),
  });
}

/** The record, or undefined when the annotation is missing or unreadable (then it is not ours to act on). */
export function decodeSurgeRecord(text: string | undefined): SurgeRecord | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed = recordSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return undefined;
    return { ...parsed.data, at: Date.parse(parsed.data.at), deadline: Date.parse(parsed.data.deadline) };
  } catch {
    return undefined;
  }
}

export const SURGE_STATUSES = ["surging", "ready", "restored", "fell-back"] as const;
export type SurgeStatus = (typeof SURGE_STATUSES)[number];

export const surgeEntrySchema = z.object({
  /** namespace/name of the Deployment */
  workload: z.string().min(3),
  replicas: z.number().int().min(0),
  surged: z.number().int().min(1),
  /** Ready replicas when the surge began: Ready again with `surged − replicas` more means the replacements are up. */
  readyBefore: z.number().int().min(0),
  startedAt: z.number().int(),
  /** The surge is given up (restored, normal path) at this time if the replacements are not Ready. */
  giveUpAt: z.number().int(),
  status: z.enum(SURGE_STATUSES),
  reason: z.string().optional(),
  endedAt: z.number().int().optional(),
});

/** One surge of the drain, in the drain state. Times in epoch ms. */
export type SurgeEntry = z.infer<typeof surgeEntrySchema>;

/** The JSON patch that restores `replicas` if the surge is still in place, and removes the record. */
export function restoreOperations(
  entry: Pick<SurgeEntry, "replicas" | "surged">,
  present: { replicas: number; annotated: boolean; labelled: boolean },
) {
  const operations: Array<
    { op: "test" | "replace"; path: string; value: unknown } | { op: "remove"; path: string }
  > = [];
  if (present.replicas === entry.surged) {
    operations.push(
      { op: "test", path: "/spec/replicas", value: entry.surged },
      { op: "replace", path: "/spec/replicas", value: entry.replicas },
    );
  }
  if (present.annotated)
    operations.push({ op: "remove", path: `/metadata/annotations/${pointer(SURGE_RECORD_ANNOTATION)}` });
  if (present.labelled) operations.push({ op: "remove", path: `/metadata/labels/${pointer(SURGED_LABEL)}` });
  return operations;
}

/** A JSON pointer segment (RFC 6901). */
export function pointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}
