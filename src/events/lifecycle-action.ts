import * as z from "zod";
import { eventErrorFromZod } from "./event-error.js";
import type { IntakeResult } from "./intake-result.js";
import {
  asgNameSchema,
  hookNameSchema,
  instanceIdSchema,
  launchingTransition,
  lifecycleTokenSchema,
  placeSchema,
  transitionSchema,
} from "./lifecycle-fields.js";
import { type MetadataReading, readNotificationMetadata } from "./notification-metadata.js";
import type { TerminationNotice } from "./termination-notice.js";

/**
 * The lifecycle fields shared by the EventBridge `detail` and the flat ASG→SQS body. NotificationMetadata
 * is read separately: for a launch it is used only when it names a cluster, since a launch hook may carry
 * metadata of another meaning.
 * Origin and Destination (EC2 | AutoScalingGroup | WarmPool) are the warm pool fields:
 * https://docs.aws.amazon.com/autoscaling/ec2/userguide/warm-pools-eventbridge-events.html
 */
const lifecycleFieldsSchema = z.object(
  {
    LifecycleActionToken: lifecycleTokenSchema,
    AutoScalingGroupName: asgNameSchema,
    LifecycleHookName: hookNameSchema,
    EC2InstanceId: instanceIdSchema,
    LifecycleTransition: transitionSchema,
    Origin: placeSchema.optional(),
    Destination: placeSchema.optional(),
  },
  { error: "expected an object with the lifecycle action's fields" },
);

export interface LifecycleSource {
  /** The object holding the lifecycle fields (`detail`, or the whole flat body). */
  fields: unknown;
  /** Path prefix of those fields in error messages: "detail" or "". */
  fieldPrefix: string;
  /** When the action started, already validated. */
  receivedAt: string;
  via: TerminationNotice["via"];
}

/** Turns validated lifecycle fields into a notice, or says why there is nothing to drain. */
export function readLifecycleAction(source: LifecycleSource): IntakeResult {
  const parsed = lifecycleFieldsSchema.safeParse(source.fields);
  if (!parsed.success) throw eventErrorFromZod(parsed.error, source.fields, source.fieldPrefix);
  const fields = parsed.data;

  const launch = fields.LifecycleTransition === launchingTransition;
  // A termination from the warm pool (Origin WarmPool) is a notice like any other: the instance has no
  // Node, so the drain completes with CONTINUE at once instead of leaving the hook waiting for its timeout.
  // A termination towards the warm pool (Destination WarmPool) or for a root-volume replacement is drained
  // like any other; the instance's launch action later restores its Node.

  const metadataField = source.fieldPrefix
    ? `${source.fieldPrefix}.NotificationMetadata`
    : "NotificationMetadata";
  const raw = readOwn(source.fields, "NotificationMetadata");
  const metadata = launch ? launchMetadata(raw, metadataField) : readNotificationMetadata(raw, metadataField);
  const notice: TerminationNotice = {
    instanceId: fields.EC2InstanceId,
    asgName: fields.AutoScalingGroupName,
    hookName: fields.LifecycleHookName,
    token: fields.LifecycleActionToken,
    receivedAt: source.receivedAt,
    via: source.via,
  };
  if (metadata.clusterName !== undefined) notice.clusterName = metadata.clusterName;
  if (metadata.plainText !== undefined) notice.metadataText = metadata.plainText;
  if (launch) notice.transition = "launch";
  if (fields.Origin !== undefined) notice.origin = fields.Origin;
  if (fields.Destination !== undefined) notice.destination = fields.Destination;
  return { kind: "notice", notice, attempt: 0 };
}

/** A launch hook's metadata names the cluster when it reads as one; anything else is someone else's. */
function launchMetadata(metadata: unknown, field: string): MetadataReading {
  try {
    return readNotificationMetadata(metadata, field);
  } catch {
    return {};
  }
}

function readOwn(value: unknown, key: string): unknown {
  if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
  return (value as Record<string, unknown>)[key];
}
