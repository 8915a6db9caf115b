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

/**
 * The webhook URL, read from an SSM SecureString parameter (GetParameter WithDecryption) or a Secrets Manager
 * secret (GetSecretValue) by ARN, once per container: the promise is kept, a failed read is not. `forget`
 * drops it (the webhook said the URL is gone), so that the next notification reads it again.
 */
export class WebhookUrlSource {
  private reading: Promise<URL> | undefined;

  constructor(private readonly options: WebhookUrlSourceOptions) {}

  url(): Promise<URL> {
    const known = this.reading;
    if (known !== undefined) return known;
    const reading = this.read();
    this.reading = reading;
    reading.catch(() => {
      if (this.reading === reading) this.reading = undefined;
    });
    return reading;
  }

  forget(): void {
    this.reading = undefined;
  }

  private async read(): Promise<URL> {
    const { reference } = this.options;
    const text = reference.service === "ssm" ? await this.readParameter() : await this.readSecret();
    const url = webhookUrlOf(text, reference.arn);
    this.options.onLoaded?.(url.href);
    return url;
  }

  private async readParameter(): Promise<string> {
    const { reference } = this.options;
    const { GetParameterCommand, SSMClient } = await import("@aws-sdk/client-ssm");
    const client = this.options.ssm ?? new SSMClient({ region: reference.region });
    const context = `reading the webhook URL from SSM parameter ${reference.arn}`;
    try {
      const answer = await client.send(
        new GetParameterCommand({ Name: reference.arn, WithDecryption: true }),
      );
      const value = answer.Parameter?.Value;
      if (value === undefined)
        throw new AwsCallError(`${context}: the parameter has no value`, { retryable: false });
      return value;
    } catch (error) {
      throw wrapAwsError(context, error);
    }
  }

  private async readSecret(): Promise<string> {
    const { reference } = this.options;
    const { GetSecretValueCommand, SecretsManagerClient } = await import("@aws-sdk/client-secrets-manager");
    const client = this.options.secretsManager ?? new SecretsManagerClient({ region: reference.region });
    const context = `reading the webhook URL from secret ${reference.arn}`;
    try {
      const answer = await client.send(new GetSecretValueCommand({ SecretId: reference.arn }));
      const value = answer.SecretString;
      if (value === undefined) {
        throw new AwsCallError(`${context}: the secret holds no string (binary secrets are not read)`, {
          retryable: false,
        });
      }
      return value;
    } catch (error) {
      throw wrapAwsError(context, error);
    }
  }
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
