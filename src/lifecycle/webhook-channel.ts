import { type DrainNotification, type NotificationChannel, slackPayload } from "./drain-notification.js";

/** Where the webhook URL comes from (a secret, read once per container). */
export interface WebhookUrls {
  url(): Promise<URL>;
  /** The webhook says the URL is gone or refused: read it again next time. */
  forget(): void;
}

/**
 * A failed post. Its message never holds the URL (it is a credential: anyone holding it can post): only
 * the HTTP status or the network error's code.
 */
export class WebhookError extends Error {
  override readonly name = "WebhookError";
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

export interface WebhookChannelOptions {
  urls: WebhookUrls;
  /** Per post, ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Statuses after which the URL is read again: revoked, moved, or never right. */
const staleUrlStatuses = new Set([401, 403, 404, 410]);

/** Posts notifications as Slack-compatible JSON (`text` plus blocks) to the configured webhook. */
export class WebhookChannel implements NotificationChannel {
  readonly name = "webhook";
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: WebhookChannelOptions) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async send(notification: DrainNotification): Promise<void> {
    const url = await this.options.urls.url();
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8" },
        body: JSON.stringify(slackPayload(notification)),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: "error",
      });
    } catch (error) {
      throw new WebhookError(
        `posting to the webhook failed: ${networkProblemOf(error, this.timeoutMs)}`,
        true,
      );
    }
    // Read the answer so that the connection can be reused; its body is not needed.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return;
    if (staleUrlStatuses.has(response.status)) this.options.urls.forget();
    const retryable = response.status === 429 || response.status >= 500;
    throw new WebhookError(`the webhook answered HTTP ${response.status}`, retryable);
  }
}

/** A network failure in words, without the URL (undici's messages can hold it). */
function networkProblemOf(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = error instanceof Error ? error.cause : undefined;
  const code =
    cause !== null && typeof cause === "object" && typeof (cause as { code?: unknown }).code === "string"
      ? (cause as { code: string }).code
      : undefined;
  return code ?? (error instanceof Error ? error.name : "network error");
}
