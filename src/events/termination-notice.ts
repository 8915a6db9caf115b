import * as z from "zod";
import {
  asgNameSchema,
  clusterNameSchema,
  hookNameSchema,
  instanceIdSchema,
  lifecycleTokenSchema,
  placeSchema,
  timestampSchema,
} from "./lifecycle-fields.js";

/** Which way the instance goes: out (terminate, to a warm pool, a root-volume replacement) or in (launch). */
export const noticeTransitions = ["terminate", "launch"] as const;
export type NoticeTransition = (typeof noticeTransitions)[number];

/**
 * One lifecycle action of one instance, whatever shape it arrived in: a terminate action (the name stays
 * from when it was the only kind) or, with `transition: "launch"`, a launch action.
 */
export interface TerminationNotice {
  instanceId: string;
  asgName: string;
  hookName: string;
  /** LifecycleActionToken: identifies this one lifecycle action. */
  token: string;
  /** From NotificationMetadata (plain string or {"clusterName": ...}); absent when the hook carries none. */
  clusterName?: string;
  /**
   * NotificationMetadata when it was plain text rather than JSON: the cluster it names is only a hint,
   * replaced by the configured cluster when it is not one this deployment serves.
   */
  metadataText?: string;
  /** When the lifecycle action started (the event's time), ISO 8601. Deadlines count from here. */
  receivedAt: string;
  /** How it reached us ("command-line": a hook finished by hand with `drain --complete-lifecycle-action`). */
  via: "eventbridge" | "sqs-eventbridge" | "sqs-direct" | "command-line";
  /** Absent: terminate. */
  transition?: NoticeTransition;
  /** The action's Origin and Destination (EC2, AutoScalingGroup, WarmPool), when the event carries them. */
  origin?: string;
  destination?: string;
}

export const noticeChannels = ["eventbridge", "sqs-eventbridge", "sqs-direct", "command-line"] as const;

/**
 * Validates a notice written earlier by this program (inside a continuation message). Unknown keys are
 * dropped rather than refused, so that a newer writer and an older reader can overlap during a deploy.
 */
export const terminationNoticeSchema = z.object(
  {
    instanceId: instanceIdSchema,
    asgName: asgNameSchema,
    hookName: hookNameSchema,
    token: lifecycleTokenSchema,
    clusterName: clusterNameSchema.optional(),
    metadataText: z.string().max(4000).optional(),
    receivedAt: timestampSchema,
    via: z.enum(noticeChannels, { error: `expected one of ${noticeChannels.join(", ")}` }),
    transition: z.enum(noticeTransitions, { error: "expected terminate or launch" }).optional(),
    origin: placeSchema.optional(),
    destination: placeSchema.optional(),
  },
  { error: "expected a notice object" },
);

/** Identifies one lifecycle action: the instance and its token. Two deliveries of it share this key. */
export function noticeKey(notice: Pick<TerminationNotice, "instanceId" | "token">): string {
  return `${notice.instanceId}/${notice.token}`;
}

/** Is the notice a launch action (rather than a terminate action)? */
export function isLaunch(notice: Pick<TerminationNotice, "transition">): boolean {
  return notice.transition === "launch";
}
