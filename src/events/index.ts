export { autoScalingService, testNotificationEvent } from "./asg-notification.js";
export {
  type ContinuationMessage,
  continuationKey,
  continuationMessage,
  continuationVersion,
} from "./continuation.js";
export {
  ec2DetailTypes,
  ec2Source,
  goingStates,
  rebalanceDetailType,
  spotInterruptionDetailType,
  stateChangeDetailType,
} from "./ec2-event.js";
export { EventError } from "./event-error.js";
export { autoScalingSource, launchDetailType, terminateDetailType } from "./eventbridge-event.js";
export { maxBodyCharacters, parseInvocationEvent, parseSqsBody } from "./intake.js";
export type { IntakeResult } from "./intake-result.js";
export { type InterruptionNotice, spotWarningMs } from "./interruption-notice.js";
export { launchingTransition, terminatingTransition } from "./lifecycle-fields.js";
export {
  clusterNameFromMetadata,
  type MetadataReading,
  readNotificationMetadata,
} from "./notification-metadata.js";
export { readSqsBatch, type SqsMessage } from "./sqs-batch.js";
export { noticeKey, type TerminationNotice, terminationNoticeSchema } from "./termination-notice.js";
