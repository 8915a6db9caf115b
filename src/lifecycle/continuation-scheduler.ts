import type { ContinuationMessage } from "../events/continuation.js";

/**
 * Sends the message that resumes a drain in a later delivery (a new invocation, or the queue again).
 * Each shell supplies its own: SQS SendMessage, an asynchronous self-invocation, or none at all.
 * Failures say whether they are retryable (AwsCallError).
 */
export interface ContinuationScheduler {
  /** Resolves once the message is accepted; the text says where it went, for the log. */
  schedule(message: ContinuationMessage): Promise<string>;
}
