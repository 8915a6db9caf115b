import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { wrapAwsError } from "../aws/aws-error.js";
import type { ContinuationMessage } from "../events/continuation.js";
import type { ContinuationScheduler } from "../lifecycle/index.js";

/**
 * Direct mode: an asynchronous invocation of this same function (its invoked ARN, alias included) with the
 * continuation as payload. Lambda queues it and retries it on failure like any asynchronous event.
 */
export class SelfInvocationContinuations implements ContinuationScheduler {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionArn: string,
  ) {}

  async schedule(message: ContinuationMessage): Promise<string> {
    try {
      const answer = await this.lambda.send(
        new InvokeCommand({
          FunctionName: this.functionArn,
          InvocationType: "Event",
          Payload: new TextEncoder().encode(JSON.stringify(message)),
        }),
      );
      if (answer.FunctionError !== undefined) {
        throw new Error(`the invocation answered FunctionError ${answer.FunctionError}`);
      }
      return `asynchronous invocation of ${this.functionArn} (status ${answer.StatusCode ?? "?"})`;
    } catch (cause) {
      throw wrapAwsError(`invoking ${this.functionArn} with continuation ${message.attempt}`, cause);
    }
  }
}
