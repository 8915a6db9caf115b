import * as z from "zod";
import { isTestNotification, testNotificationEvent } from "./asg-notification.js";
import { describeValue, EventError, eventErrorFromZod, valueAt } from "./event-error.js";
import type { IntakeResult } from "./intake-result.js";
import { readLifecycleAction } from "./lifecycle-action.js";
import { launchingTransition, terminatingTransition, timestampSchema } from "./lifecycle-fields.js";

export const terminateDetailType = "EC2 Instance-terminate Lifecycle Action";
export const launchDetailType = "EC2 Instance-launch Lifecycle Action";
export const autoScalingSource = "aws.autoscaling";

const envelopeSchema = z.object(
  {
    source: z.literal(autoScalingSource, { error: `expected "${autoScalingSource}"` }),
    "detail-type": z
      .string({ error: "expected a detail-type string" })
      .max(256, { error: "expected a detail-type of at most 256 characters" }),
    time: timestampSchema,
    detail: z.record(z.string(), z.unknown(), { error: "expected the lifecycle action's detail object" }),
  },
  { error: "expected an EventBridge event object" },
);

/** Does this object look like an EventBridge event (rather than another message shape)? */
export function looksLikeEventBridgeEvent(value: Record<string, unknown>): boolean {
  return (
    Object.hasOwn(value, "detail-type") || (Object.hasOwn(value, "source") && Object.hasOwn(value, "detail"))
  );
}

/**
 * An EventBridge event from Auto Scaling. A terminate or launch lifecycle action becomes a notice; other
 * Auto Scaling events (such as "EC2 Instance Terminate Successful", should a rule be
 * broader than ours) are ignored. Events of other sources are errors: the rule feeding us is wrong.
 */
export function readEventBridgeEvent(event: unknown, viaSqs: boolean): IntakeResult {
  const envelope = envelopeSchema.safeParse(event);
  if (!envelope.success) throw eventErrorFromZod(envelope.error, event);
  const detailType = envelope.data["detail-type"];
  if (isTestNotification(envelope.data.detail)) {
    return {
      kind: "ignored",
      reason: `${testNotificationEvent} in a ${JSON.stringify(detailType.slice(0, 80))} event`,
    };
  }

  if (detailType === launchDetailType) {
    const transition = valueAt(event, ["detail", "LifecycleTransition"]);
    if (transition !== launchingTransition) {
      throw new EventError(
        "detail.LifecycleTransition",
        `expected ${launchingTransition} in a "${launchDetailType}" event, got ${describeValue(transition)}`,
      );
    }
    return readLifecycleAction({
      fields: envelope.data.detail,
      fieldPrefix: "detail",
      receivedAt: envelope.data.time,
      via: viaSqs ? "sqs-eventbridge" : "eventbridge",
    });
  }
  if (detailType !== terminateDetailType) {
    return {
      kind: "ignored",
      reason: `Auto Scaling event ${JSON.stringify(detailType.slice(0, 80))} is not a terminate lifecycle action`,
    };
  }
  const transition = valueAt(event, ["detail", "LifecycleTransition"]);
  if (transition !== terminatingTransition) {
    throw new EventError(
      "detail.LifecycleTransition",
      `expected ${terminatingTransition} in a "${terminateDetailType}" event, got ${describeValue(transition)}`,
    );
  }
  return readLifecycleAction({
    fields: envelope.data.detail,
    fieldPrefix: "detail",
    receivedAt: envelope.data.time,
    via: viaSqs ? "sqs-eventbridge" : "eventbridge",
  });
}
