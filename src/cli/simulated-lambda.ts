import { LambdaClient } from "@aws-sdk/client-lambda";
import { SQSClient } from "@aws-sdk/client-sqs";

/** Credentials and an endpoint that lead nowhere: a simulation must never reach AWS. */
const nowhere = {
  region: "us-west-2",
  credentials: { accessKeyId: "SIMULATION", secretAccessKey: "SIMULATION" },
  endpoint: "http://127.0.0.1:9",
  maxAttempts: 1,
};

/**
 * A Lambda client whose asynchronous self-invocations (the handler's continuations) are kept in memory
 * instead of sent, so that the simulation delivers them itself as Lambda would. Other calls fail.
 */
export function capturingLambdaClient(): { client: LambdaClient; take: () => unknown[] } {
  const captured: unknown[] = [];
  const client = new LambdaClient(nowhere);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== "InvokeCommand") return next(args);
      const payload = (args.input as { Payload?: Uint8Array }).Payload;
      captured.push(JSON.parse(new TextDecoder().decode(payload ?? new Uint8Array())));
      return { output: { StatusCode: 202, $metadata: {} }, response: {} };
    },
    { step: "initialize", name: "simulatedSelfInvocation" },
  );
  return { client, take: () => captured.splice(0) };
}

/** The SQS client the handler needs; a simulation without a queue never uses it. */
export function unreachableSqsClient(): SQSClient {
  return new SQSClient(nowhere);
}
