/**
 * An EC2 event about an instance that is going away or may soon: not a lifecycle action (there is no
 * token to complete), but a reason to drain or cordon its node. Detail-types and fields as EC2 sends them:
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/rebalance-recommendations.html
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-instance-state-changes.html
 */
export type InterruptionNotice =
  | {
      kind: "spot-interruption";
      instanceId: string;
      /** What EC2 will do at the end of the two minutes. */
      instanceAction: "terminate" | "stop" | "hibernate";
      /** The event's time, ISO 8601: the two-minute window counts from here. */
      eventTime: string;
      eventId: string;
    }
  | { kind: "rebalance-recommendation"; instanceId: string; eventTime: string; eventId: string }
  | {
      kind: "state-change";
      instanceId: string;
      /** Only the states that mean the instance is going: the others are ignored at intake. */
      state: "shutting-down" | "stopping";
      eventTime: string;
      eventId: string;
    };

/** The two minutes between a Spot Instance interruption warning and the interruption. */
export const spotWarningMs = 120_000;
