import { isRetryable } from "../drain/cluster-port.js";
/**
 * A notice the lifecycle job could not finish now. `retryable` says whether delivering it again can help
 * (throttling, 5xx, a network failure, an expired token, a drain that must run again) or not (a cluster
 * that cannot be named, access denied). Either way the notice is never acknowledged: in SQS mode it is a
 * batch item failure, so that after its redeliveries it lands in the dead-letter queue; invoked directly,
 * the invocation fails and Lambda's asynchronous retries and failure destination take over.
 */
export class NoticeError extends Error {
  override readonly name: string = "NoticeError";
  readonly retryable: boolean;

  constructor(message: string, options: { retryable: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable;
  }
}

/** Wraps a failure with what was being done, keeping it as the cause and its retryability. */
export function noticeError(context: string, cause: unknown): NoticeError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new NoticeError(`${context}: ${reason}`, { retryable: isRetryable(cause), cause });
}

/**
 * The drain let the instance go but CompleteLifecycleAction failed (the lease is released; a redelivery
 * completes it). Told apart so that a shell can report the drain as done and the completion as failed.
 */
export class CompletionError extends NoticeError {
  override readonly name: string = "CompletionError";

  constructor(context: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${context}: ${reason}`, { retryable: isRetryable(cause), cause });
  }
}
