/** One terminate lifecycle action of one instance, whatever shape it arrived in. */
export interface TerminationNotice {
  instanceId: string;
  asgName: string;
  hookName: string;
  /** LifecycleActionToken: identifies this one lifecycle action. */
  token: string;
  /** From NotificationMetadata (plain string or {"clusterName": ...}); absent when the hook carries none. */
  clusterName?: string;
  /** When the lifecycle action started (the event's time), ISO 8601. Deadlines count from here. */
  receivedAt: string;
  /** How it reached us. */
  via: "eventbridge" | "sqs-eventbridge" | "sqs-direct";
}
