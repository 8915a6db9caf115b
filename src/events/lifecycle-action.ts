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
import { readNotificationMetadata } from "./notification-metadata.js";
import type { TerminationNotice } from "./termination-notice.js";

/**
 * The lifecycle fields shared by the EventBridge `detail` and the flat ASG→SQS body. NotificationMetadata
 * is read separately, and only for a termination: a launch hook may carry metadata of another meaning.
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
  const who = `${fields.EC2InstanceId} of ${fields.AutoScalingGroupName}`;

  if (fields.LifecycleTransition === launchingTransition) {
    return { kind: "ignored", reason: `launch lifecycle action for ${who}: nothing to drain` };
  }
  // A termination from the warm pool (Origin WarmPool) is a notice like any other: the instance has no
  // Node, so the drain completes with CONTINUE at once instead of leaving the hook waiting for its timeout.

  const metadataField = source.fieldPrefix
    ? `${source.fieldPrefix}.NotificationMetadata`
    : "NotificationMetadata";
  const metadata = readNotificationMetadata(readOwn(source.fields, "NotificationMetadata"), metadataField);
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
  return { kind: "notice", notice, attempt: 0 };
}

function readOwn(value: unknown, key: string): unknown {
  if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
  return (value as Record<string, unknown>)[key];
}
