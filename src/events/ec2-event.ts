import * as z from "zod";
import { EventError, eventErrorFromZod } from "./event-error.js";
import type { IntakeResult } from "./intake-result.js";
import { instanceIdSchema, timestampSchema } from "./lifecycle-fields.js";

export const ec2Source = "aws.ec2";
export const spotInterruptionDetailType = "EC2 Spot Instance Interruption Warning";
export const rebalanceDetailType = "EC2 Instance Rebalance Recommendation";
export const stateChangeDetailType = "EC2 Instance State-change Notification";

/** The EC2 detail-types the drainer acts on (the EventBridge rules route exactly these). */
export const ec2DetailTypes = [
  spotInterruptionDetailType,
  rebalanceDetailType,
  stateChangeDetailType,
] as const;

/** The states of a state-change notification that mean the instance is going away. */
export const goingStates = ["shutting-down", "stopping"] as const;

const envelopeSchema = z.object({
  source: z.literal(ec2Source, { error: `expected "${ec2Source}"` }),
  "detail-type": z.string({ error: "expected a detail-type string" }).max(256),
  id: z.string({ error: "expected the event id" }).min(1).max(256),
  time: timestampSchema,
  detail: z.record(z.string(), z.unknown(), { error: "expected the event's detail object" }),
});

const spotDetailSchema = z.object({
  "instance-id": instanceIdSchema,
  "instance-action": z.enum(["terminate", "stop", "hibernate"], {
    error: "expected terminate, stop or hibernate",
  }),
});
const rebalanceDetailSchema = z.object({ "instance-id": instanceIdSchema });
const stateDetailSchema = z.object({
  "instance-id": instanceIdSchema,
  state: z.enum(["pending", "running", "stopping", "stopped", "shutting-down", "terminated"], {
    error: "expected an EC2 instance state",
  }),
});

/** Is this an EventBridge event from EC2 (rather than from Auto Scaling)? */
export function isEc2Event(event: Record<string, unknown>): boolean {
  return event.source === ec2Source;
}

/**
 * An EC2 event: a Spot Instance interruption warning or a rebalance recommendation becomes an interruption
 * notice; a state change to shutting-down or stopping too; other states and other EC2 events are ignored.
 */
export function readEc2Event(event: unknown): IntakeResult {
  const envelope = envelopeSchema.safeParse(event);
  if (!envelope.success) throw eventErrorFromZod(envelope.error, event);
  const { id: eventId, time: eventTime, detail } = envelope.data;
  const detailType = envelope.data["detail-type"];
  switch (detailType) {
    case spotInterruptionDetailType: {
      const fields = parseDetail(spotDetailSchema, detail);
      return {
        kind: "interruption",
        notice: {
          kind: "spot-interruption",
          instanceId: fields["instance-id"],
          instanceAction: fields["instance-action"],
          eventTime,
          eventId,
        },
      };
    }
    case rebalanceDetailType: {
      const fields = parseDetail(rebalanceDetailSchema, detail);
      return {
        kind: "interruption",
        notice: { kind: "rebalance-recommendation", instanceId: fields["instance-id"], eventTime, eventId },
      };
    }
    case stateChangeDetailType: {
      const fields = parseDetail(stateDetailSchema, detail);
      const state = fields.state;
      if (state !== "shutting-down" && state !== "stopping") {
        return { kind: "ignored", reason: `${fields["instance-id"]} is ${state}: nothing to drain` };
      }
      return {
        kind: "interruption",
        notice: { kind: "state-change", instanceId: fields["instance-id"], state, eventTime, eventId },
      };
    }
    default:
      if (detailType.endsWith("Lifecycle Action")) {
        throw new EventError(
          "source",
          `expected "aws.autoscaling" for a "${detailType}" event, got "${ec2Source}"`,
        );
      }
      return {
        kind: "ignored",
        reason: `EC2 event ${JSON.stringify(detailType.slice(0, 80))} is not one the drainer acts on`,
      };
  }
}

function parseDetail<T extends z.ZodType>(schema: T, detail: unknown): z.infer<T> {
  const parsed = schema.safeParse(detail);
  if (!parsed.success) throw eventErrorFromZod(parsed.error, detail, "detail");
  return parsed.data;
}
