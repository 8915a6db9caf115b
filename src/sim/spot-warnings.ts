import { randomUUID } from "node:crypto";
import * as z from "zod";

/**
 * A scenario's `spot`: EC2 events for the drain node's instance as a Spot Instance gets them, and when
 * the Auto Scaling group's terminate hook fires for it. Times are seconds from the simulation's start.
 */
export const spotSchema = z.strictObject({
  /** The "EC2 Spot Instance Interruption Warning": two minutes before EC2 takes the instance. */
  interruptionAtSeconds: z.number().min(0).default(0),
  /** What EC2 will do at the end of the two minutes. */
  instanceAction: z.enum(["terminate", "stop", "hibernate"]).default("terminate"),
  /** An "EC2 Instance Rebalance Recommendation" before the warning, if any. */
  rebalanceAtSeconds: z.number().min(0).optional(),
  /**
   * When the group's terminate lifecycle hook fires for the same instance (Auto Scaling terminates an
   * interrupted Spot Instance of the group); none when absent.
   */
  terminateHookAtSeconds: z.number().min(0).optional(),
});

export type ScenarioSpot = z.infer<typeof spotSchema>;

/** One scheduled EC2 or Auto Scaling event of a spot scenario. */
export interface SpotStep {
  atSeconds: number;
  kind: "rebalance-recommendation" | "spot-interruption" | "terminate-hook";
}

/** The events of a `spot` entry, in time order. */
export function spotSteps(spot: ScenarioSpot): SpotStep[] {
  const steps: SpotStep[] = [{ atSeconds: spot.interruptionAtSeconds, kind: "spot-interruption" }];
  if (spot.rebalanceAtSeconds !== undefined) {
    steps.push({ atSeconds: spot.rebalanceAtSeconds, kind: "rebalance-recommendation" });
  }
  if (spot.terminateHookAtSeconds !== undefined) {
    steps.push({ atSeconds: spot.terminateHookAtSeconds, kind: "terminate-hook" });
  }
  return steps.sort((a, b) => a.atSeconds - b.atSeconds);
}

/**
 * An EC2 event about one instance, shaped as EventBridge delivers it (the EC2 User Guide's samples):
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/rebalance-recommendations.html
 */
export function ec2InstanceEvent(
  kind: "spot-interruption" | "rebalance-recommendation",
  instanceId: string,
  options: { at: number; instanceAction?: string; region?: string; accountId?: string },
): Record<string, unknown> {
  const region = options.region ?? "us-west-2";
  const account = options.accountId ?? "123456789012";
  const detail: Record<string, unknown> = { "instance-id": instanceId };
  if (kind === "spot-interruption") detail["instance-action"] = options.instanceAction ?? "terminate";
  return {
    version: "0",
    id: randomUUID(),
    "detail-type":
      kind === "spot-interruption"
        ? "EC2 Spot Instance Interruption Warning"
        : "EC2 Instance Rebalance Recommendation",
    source: "aws.ec2",
    account,
    time: new Date(options.at).toISOString().replace(/\.\d{3}Z$/, "Z"),
    region,
    resources: [`arn:aws:ec2:${region}:${account}:instance/${instanceId}`],
    detail,
  };
}
