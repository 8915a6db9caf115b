import * as z from "zod";
import { describeValue, EventError, eventErrorFromZod } from "./event-error.js";
import type { IntakeResult } from "./intake-result.js";
import { readLifecycleAction } from "./lifecycle-action.js";
import { timestampSchema } from "./lifecycle-fields.js";

export const autoScalingService = "AWS Auto Scaling";
export const testNotificationEvent = "autoscaling:TEST_NOTIFICATION";

const envelopeSchema = z.object(
  {
    Service: z.literal(autoScalingService, { error: `expected "${autoScalingService}"` }),
    Time: timestampSchema,
  },
  { error: "expected an Auto Scaling notification object" },
);

/** Does this object look like a message Auto Scaling sent straight to the queue? */
export function looksLikeAutoScalingNotification(value: Record<string, unknown>): boolean {
  return (
    Object.hasOwn(value, "Service") ||
    Object.hasOwn(value, "LifecycleTransition") ||
    Object.hasOwn(value, "Event")
  );
}

/**
 * A message a lifecycle hook whose notification target is the queue itself sends: a flat JSON body.
 * Creating such a hook first sends `autoscaling:TEST_NOTIFICATION`, acknowledged and ignored; so are
 * other `autoscaling:` notifications (group notification configurations), which carry no lifecycle action.
 */
export function readAutoScalingNotification(body: Record<string, unknown>): IntakeResult {
  if (Object.hasOwn(body, "Event")) return readNotificationEvent(body.Event);
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) throw eventErrorFromZod(envelope.error, body);
  return readLifecycleAction({
    fields: body,
    fieldPrefix: "",
    receivedAt: envelope.data.Time,
    via: "sqs-direct",
  });
}

/**
 * Is this the test message Auto Scaling sends once when a hook's notification target is set? Flat, it
 * carries `Event`; inside an EventBridge event's detail it has been seen with `Event` or with
 * `LifecycleTransition` set to `autoscaling:TEST_NOTIFICATION` (aws-node-termination-handler checks both:
 * https://github.com/aws/aws-node-termination-handler/blob/main/pkg/monitor/sqsevent/asg-lifecycle-event.go).
 * Message format: https://docs.aws.amazon.com/autoscaling/ec2/userguide/prepare-for-lifecycle-notifications.html#test-notification-message-example
 */
export function isTestNotification(fields: Record<string, unknown>): boolean {
  return fields.Event === testNotificationEvent || fields.LifecycleTransition === testNotificationEvent;
}

function readNotificationEvent(event: unknown): IntakeResult {
  if (event === testNotificationEvent) {
    return { kind: "ignored", reason: `${testNotificationEvent}: sent once when a hook's target is set` };
  }
  if (typeof event === "string" && /^autoscaling:[A-Z_]{1,64}$/.test(event)) {
    return { kind: "ignored", reason: `Auto Scaling notification ${event} is not a lifecycle action` };
  }
  throw new EventError("Event", `expected an autoscaling: notification type, got ${describeValue(event)}`);
}
