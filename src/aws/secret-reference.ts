import * as z from "zod";

/** Where a secret value lives: an SSM parameter (SecureString) or a Secrets Manager secret, by ARN. */
export type SecretReference =
  | { service: "ssm"; arn: string; region: string; name: string }
  | { service: "secretsmanager"; arn: string; region: string; name: string };

export class SecretReferenceError extends Error {
  override readonly name = "SecretReferenceError";
  /** A configuration mistake: trying again never helps. */
  readonly retryable = false;
}

const partition = "aws(?:-[a-z]+)*";
const region = "[a-z]{2}(?:-[a-z]+)+-\\d";
const account = "\\d{12}";

const ssmArn = new RegExp(`^arn:${partition}:ssm:(${region}):${account}:parameter(/.+)$`);
const secretArn = new RegExp(`^arn:${partition}:secretsmanager:(${region}):${account}:secret:(.+)$`);

const referenceSchema = z
  .string()
  .trim()
  .transform((arn, context): SecretReference => {
    const ssm = ssmArn.exec(arn);
    if (ssm?.[1] !== undefined && ssm[2] !== undefined) {
      return { service: "ssm", arn, region: ssm[1], name: ssm[2] };
    }
    const secret = secretArn.exec(arn);
    if (secret?.[1] !== undefined && secret[2] !== undefined) {
      return { service: "secretsmanager", arn, region: secret[1], name: secret[2] };
    }
    context.addIssue({
      code: "custom",
      message:
        "expected the ARN of an SSM parameter (arn:aws:ssm:REGION:ACCOUNT:parameter/NAME) or of a Secrets " +
        `Manager secret (arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME), got ${describe(arn)}`,
    });
    return z.NEVER;
  });

/** Reads a secret's ARN from a setting; the error names the setting and what a valid value looks like. */
export function parseSecretReference(value: string, setting: string): SecretReference {
  const parsed = referenceSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problem = parsed.error.issues[0]?.message ?? "invalid";
  throw new SecretReferenceError(`${setting}: ${problem}`);
}

/** A hint of what was given without echoing it whole (it could be the secret itself, pasted by mistake). */
function describe(value: string): string {
  if (value.length === 0) return "an empty string";
  if (/^https?:\/\//i.test(value)) return "a URL (put the URL in the parameter or secret, and its ARN here)";
  return `"${value.slice(0, 12)}${value.length > 12 ? "…" : ""}"`;
}
