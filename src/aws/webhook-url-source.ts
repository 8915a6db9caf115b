import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SSMClient } from "@aws-sdk/client-ssm";
import * as z from "zod";
import { AwsCallError, wrapAwsError } from "./aws-error.js";
import type { SecretReference } from "./secret-reference.js";

export interface WebhookUrlSourceOptions {
  reference: SecretReference;
  /** Injected in tests; otherwise built (in the ARN's region) on first use, its SDK loaded only then. */
  ssm?: SSMClient;
  secretsManager?: SecretsManagerClient;
  /** Told the URL once read, so that the log can scrub it; the URL itself is never logged or thrown. */
  onLoaded?: (url: string) => void;
}

/** The value of the secret is wrong; the message says how without repeating the value. */
export class WebhookUrlError extends Error {
  override readonly name = "WebhookUrlError";
  readonly retryable = false;
}

const urlField = z.object({ url: z.string() }).or(z.object({ webhookUrl: z.string() }));

/** How long a read URL is kept before it is read again, so that a rotated URL is picked up. */
const keepUrlSeconds = 15 * 60;

/**
 * The webhook URL, read with Powertools Parameters from an SSM SecureString parameter (decrypted) or a
 * Secrets Manager secret, by ARN, and kept for `keepUrlSeconds` in the provider's cache. Concurrent
 * readers share one read; a failed read is not kept. `forget` drops it (the webhook said the URL is gone),
 * so that the next notification reads it again past the cache.
 */
export class WebhookUrlSource {
  private reading: Promise<URL> | undefined;
  private forgotten = false;
  private provider: Promise<ValueProvider> | undefined;
  /** The URL last given to `onLoaded`. */
  private told: string | undefined;

  constructor(private readonly options: WebhookUrlSourceOptions) {}

  url(): Promise<URL> {
    const known = this.reading;
    if (known !== undefined) return known;
    const reading = this.read().finally(() => {
      if (this.reading === reading) this.reading = undefined;
    });
    this.reading = reading;
    return reading;
  }

  forget(): void {
    this.reading = undefined;
    this.forgotten = true;
  }

  private async read(): Promise<URL> {
    const { reference } = this.options;
    const forceFetch = this.forgotten;
    this.forgotten = false;
    const context =
      reference.service === "ssm"
        ? `reading the webhook URL from SSM parameter ${reference.arn}`
        : `reading the webhook URL from secret ${reference.arn}`;
    this.provider ??= this.buildProvider();
    let value: unknown;
    try {
      value = await (await this.provider).get(reference.arn, { maxAge: keepUrlSeconds, forceFetch });
    } catch (error) {
      // Powertools wraps the SDK's error (GetParameterError); its cause says whether retrying helps.
      throw wrapAwsError(context, error instanceof Error && error.cause !== undefined ? error.cause : error);
    }
    if (value === undefined) {
      throw new AwsCallError(`${context}: it has no value`, { retryable: false });
    }
    if (typeof value !== "string") {
      throw new AwsCallError(`${context}: it holds no string (binary secrets are not read)`, {
        retryable: false,
      });
    }
    const url = webhookUrlOf(value, reference.arn);
    if (url.href !== this.told) {
      this.told = url.href;
      this.options.onLoaded?.(url.href);
    }
    return url;
  }

  /** The Powertools provider for the reference's service, its SDK loaded only on first use. */
  private async buildProvider(): Promise<ValueProvider> {
    const { reference } = this.options;
    if (reference.service === "ssm") {
      const [{ SSMProvider }, { SSMClient }] = await Promise.all([
        import("@aws-lambda-powertools/parameters/ssm"),
        import("@aws-sdk/client-ssm"),
      ]);
      const provider = new SSMProvider({
        awsSdkV3Client: this.options.ssm ?? new SSMClient({ region: reference.region }),
      });
      return { get: (name, options) => provider.get(name, { ...options, decrypt: true }) };
    }
    const [{ SecretsProvider }, { SecretsManagerClient }] = await Promise.all([
      import("@aws-lambda-powertools/parameters/secrets"),
      import("@aws-sdk/client-secrets-manager"),
    ]);
    const provider = new SecretsProvider({
      awsSdkV3Client: this.options.secretsManager ?? new SecretsManagerClient({ region: reference.region }),
    });
    return { get: (name, options) => provider.get(name, options) };
  }
}

interface ValueProvider {
  get(name: string, options: { maxAge: number; forceFetch: boolean }): Promise<unknown>;
}

/**
 * The URL in a secret's value: the URL itself, or JSON `{"url": …}` / `{"webhookUrl": …}` (Secrets Manager's
 * key/value form). HTTPS only, except plain HTTP to the loopback interface (local tests).
 */
export function webhookUrlOf(text: string, where: string): URL {
  const trimmed = text.trim();
  let candidate = trimmed;
  if (trimmed.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new WebhookUrlError(`${where}: the value starts with "{" but is not JSON`);
    }
    const parsed = urlField.safeParse(json);
    if (!parsed.success) {
      throw new WebhookUrlError(`${where}: a JSON value needs a string field "url" or "webhookUrl"`);
    }
    candidate = "url" in parsed.data ? parsed.data.url : parsed.data.webhookUrl;
  }
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    throw new WebhookUrlError(`${where}: the value is not a URL`);
  }
  const loopback = url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new WebhookUrlError(`${where}: the webhook URL must use https (got ${url.protocol})`);
  }
  return url;
}
