import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SNSClient } from "@aws-sdk/client-sns";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { parseSecretReference } from "../aws/secret-reference.js";
import { type SnsPublisher, snsPublisherFor } from "../aws/sns-publisher.js";
import type { WebhookUrlSource } from "../aws/webhook-url-source.js";
import { type DrainNotification, type NotificationChannel, snsMessage } from "./drain-notification.js";
import type { Settings } from "./settings.js";
import { WebhookChannel, type WebhookUrls } from "./webhook-channel.js";

export interface NotificationFailure {
  channel: string;
  error: unknown;
}

/** Sends a notification on every channel at once; never rejects: it answers with what failed. */
export interface DrainNotifier {
  readonly channels: readonly string[];
  notify(notification: DrainNotification): Promise<NotificationFailure[]>;
}

export class ChannelNotifier implements DrainNotifier {
  readonly channels: readonly string[];

  constructor(
    private readonly list: readonly NotificationChannel[],
    /** Per channel: a notification never holds the handler up longer, ms. */
    private readonly timeoutMs = 8_000,
  ) {
    this.channels = list.map((channel) => channel.name);
  }

  async notify(notification: DrainNotification): Promise<NotificationFailure[]> {
    const settled = await Promise.allSettled(
      this.list.map((channel) => withTimeout(channel.send(notification), this.timeoutMs, channel.name)),
    );
    const failures: NotificationFailure[] = [];
    settled.forEach((result, index) => {
      if (result.status === "rejected")
        failures.push({ channel: this.list[index]?.name ?? "?", error: result.reason });
    });
    return failures;
  }
}

/** Publishes to SNS; the SNS client (and its SDK) is loaded on the first notification only. */
export class SnsChannel implements NotificationChannel {
  readonly name = "sns";
  private publisher: Promise<SnsPublisher> | undefined;

  constructor(
    private readonly topicArn: string,
    private readonly client?: SNSClient,
  ) {}

  async send(notification: DrainNotification): Promise<void> {
    const loading = this.publisher ?? snsPublisherFor(this.topicArn, this.client);
    this.publisher = loading;
    loading.catch(() => {
      if (this.publisher === loading) this.publisher = undefined;
    });
    await (await loading).publish(snsMessage(notification));
  }
}

/** The webhook URL's secret, its module and SDK client loaded on first use. */
class LazyWebhookUrls implements WebhookUrls {
  private source: Promise<WebhookUrlSource> | undefined;

  constructor(private readonly build: () => Promise<WebhookUrlSource>) {}

  async url(): Promise<URL> {
    const loading = this.source ?? this.build();
    this.source = loading;
    loading.catch(() => {
      if (this.source === loading) this.source = undefined;
    });
    return (await loading).url();
  }

  forget(): void {
    void this.source?.then((source) => source.forget()).catch(() => undefined);
  }
}

export interface NotifierSetup {
  /** Clients for tests; otherwise built on first use in the ARN's region. */
  clients?: { sns?: SNSClient; ssm?: SSMClient; secretsManager?: SecretsManagerClient };
  /** Told the webhook URL once read (the log scrubs it). */
  onSecret?: (secret: string) => void;
  fetch?: typeof fetch;
  webhookTimeoutMs?: number;
}

/**
 * The notifier the settings ask for: SNS when NOTIFY_TOPIC_ARN is set, the webhook when
 * WEBHOOK_URL_PARAMETER names its secret; undefined when neither is. Nothing is loaded or read here: the
 * SDK clients and the secret come with the first notification. A WEBHOOK_URL_PARAMETER that is not a valid
 * ARN is reported in `problems` (the drain goes on without the webhook).
 */
export function notifierFromSettings(
  settings: Pick<Settings, "NOTIFY_TOPIC_ARN" | "WEBHOOK_URL_PARAMETER">,
  setup: NotifierSetup = {},
): { notifier: DrainNotifier | undefined; problems: string[] } {
  const channels: NotificationChannel[] = [];
  const problems: string[] = [];
  if (settings.NOTIFY_TOPIC_ARN !== undefined) {
    channels.push(new SnsChannel(settings.NOTIFY_TOPIC_ARN, setup.clients?.sns));
  }
  const parameter = settings.WEBHOOK_URL_PARAMETER;
  if (parameter !== undefined) {
    try {
      const reference = parseSecretReference(parameter, "WEBHOOK_URL_PARAMETER");
      const urls = new LazyWebhookUrls(async () => {
        const { WebhookUrlSource } = await import("../aws/webhook-url-source.js");
        return new WebhookUrlSource({
          reference,
          ...(setup.clients?.ssm === undefined ? {} : { ssm: setup.clients.ssm }),
          ...(setup.clients?.secretsManager === undefined
            ? {}
            : { secretsManager: setup.clients.secretsManager }),
          ...(setup.onSecret === undefined ? {} : { onLoaded: setup.onSecret }),
        });
      });
      channels.push(
        new WebhookChannel({
          urls,
          ...(setup.fetch === undefined ? {} : { fetch: setup.fetch }),
          ...(setup.webhookTimeoutMs === undefined ? {} : { timeoutMs: setup.webhookTimeoutMs }),
        }),
      );
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
  return { notifier: channels.length === 0 ? undefined : new ChannelNotifier(channels), problems };
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
