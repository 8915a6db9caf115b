import type { IncomingMessage, ServerResponse } from "node:http";
import type { Clock } from "../time/clock.js";
import { bodyOf, LoopbackServer } from "./loopback-server.js";
import { QueueError, SimulatedQueue } from "./sqs-queue.js";

export interface SqsEndpointOptions {
  clock: Clock;
  accountId?: string;
}

export interface QueueSettings {
  visibilityTimeoutSeconds?: number;
  redrive?: { deadLetter: SimulatedQueue; maxReceiveCount: number };
}

const maxWaitSeconds = 20;

/**
 * A local SQS-compatible endpoint: plain HTTP on 127.0.0.1 speaking the SQS JSON protocol (AWS JSON 1.0,
 * `X-Amz-Target: AmazonSQS.<Action>`), so that the real `@aws-sdk/client-sqs` talks to it as to SQS.
 * SendMessage, ReceiveMessage (long polling included), DeleteMessage, ChangeMessageVisibility and
 * GetQueueAttributes over SimulatedQueues. Errors carry `__type` and the `x-amzn-query-error` header as SQS
 * sends them. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-faqs.html
 */
export class SqsEndpoint {
  private readonly queues = new Map<string, SimulatedQueue>();
  private readonly closing = new AbortController();
  private readonly server = new LoopbackServer((request, response) => void this.serve(request, response));

  constructor(private readonly options: SqsEndpointOptions) {}

  start(): Promise<void> {
    return this.server.start();
  }

  /** The endpoint's URL ("http://127.0.0.1:PORT"). */
  get url(): string {
    return this.server.url;
  }

  createQueue(name: string, settings: QueueSettings = {}): SimulatedQueue {
    const url = `${this.server.url}/${this.options.accountId ?? "123456789012"}/${name}`;
    const queue = new SimulatedQueue({ name, url, clock: this.options.clock, ...settings });
    this.queues.set(url, queue);
    return queue;
  }

  async stop(): Promise<void> {
    this.closing.abort();
    await this.server.stop();
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const target = String(request.headers["x-amz-target"] ?? "");
      if (request.method !== "POST" || !target.startsWith("AmazonSQS.")) {
        throw new QueueError("com.amazonaws.sqs#InvalidAction", "InvalidAction", `unknown action ${target}`);
      }
      const input = JSON.parse((await bodyOf(request)) || "{}") as Record<string, unknown>;
      const answer = await this.act(target.slice("AmazonSQS.".length), input, request);
      send(response, 200, answer);
    } catch (error) {
      const failure =
        error instanceof QueueError
          ? error
          : new QueueError("com.amazonaws.sqs#InternalError", "InternalError", String(error), 500);
      response.setHeader("x-amzn-query-error", `${failure.queryCode};Sender`);
      send(response, failure.status, { __type: failure.type, message: failure.message });
    }
  }

  private async act(action: string, input: Record<string, unknown>, request: IncomingMessage) {
    const queue = this.queueOf(input.QueueUrl);
    switch (action) {
      case "SendMessage": {
        const sent = queue.send(String(input.MessageBody ?? ""), numberOr(input.DelaySeconds, 0));
        return { MessageId: sent.messageId, MD5OfMessageBody: sent.md5OfBody };
      }
      case "ReceiveMessage":
        return { Messages: await this.receive(queue, input, request) };
      case "DeleteMessage":
        queue.delete(String(input.ReceiptHandle ?? ""));
        return {};
      case "ChangeMessageVisibility":
        queue.changeVisibility(String(input.ReceiptHandle ?? ""), numberOr(input.VisibilityTimeout, -1));
        return {};
      case "GetQueueAttributes": {
        const now = this.options.clock.now();
        const all = queue.all();
        return {
          Attributes: {
            ApproximateNumberOfMessages: String(all.filter((m) => m.visibleAt <= now).length),
            ApproximateNumberOfMessagesNotVisible: String(all.filter((m) => m.visibleAt > now).length),
          },
        };
      }
      default:
        throw new QueueError("com.amazonaws.sqs#InvalidAction", "InvalidAction", `unknown action ${action}`);
    }
  }

  /** Long polling: waits up to WaitTimeSeconds for a message, on the simulation's clock. */
  private async receive(queue: SimulatedQueue, input: Record<string, unknown>, request: IncomingMessage) {
    const max = Math.min(10, Math.max(1, numberOr(input.MaxNumberOfMessages, 1)));
    const wait = Math.min(maxWaitSeconds, Math.max(0, numberOr(input.WaitTimeSeconds, 0)));
    const visibility =
      input.VisibilityTimeout === undefined ? undefined : numberOr(input.VisibilityTimeout, 30);
    const { clock } = this.options;
    const until = clock.now() + wait * 1000;
    const gone = new AbortController();
    request.socket.once("close", () => gone.abort());
    this.closing.signal.addEventListener("abort", () => gone.abort(), { once: true });
    for (;;) {
      const messages = queue.receive(max, visibility);
      const now = clock.now();
      if (messages.length > 0 || now >= until || gone.signal.aborted) return messages;
      const wake = new AbortController();
      const nap = Math.min(until, queue.nextVisibleAt() ?? until) - now;
      const onGone = () => wake.abort();
      gone.signal.addEventListener("abort", onGone, { once: true });
      await Promise.race([
        clock.sleep(Math.max(1, nap), wake.signal).catch(() => {}),
        queue.changed(wake.signal),
      ]);
      wake.abort();
      gone.signal.removeEventListener("abort", onGone);
    }
  }

  private queueOf(url: unknown): SimulatedQueue {
    const queue = typeof url === "string" ? this.queues.get(url) : undefined;
    if (queue === undefined) {
      throw new QueueError(
        "com.amazonaws.sqs#QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist.",
      );
    }
    return queue;
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/x-amz-json-1.0",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}
