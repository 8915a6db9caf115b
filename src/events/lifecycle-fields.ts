import * as z from "zod";

/**
 * The fields every lifecycle message carries, with the limits the Auto Scaling API documents.
 * Messages name the expectation; the caller appends what was found.
 */

/** `i-` and 8 to 17 hexadecimal digits (8 and 17 in practice). */
export const instanceIdSchema = z
  .string({ error: "expected an EC2 instance ID string" })
  .regex(/^i-[0-9a-f]{8,17}$/, {
    error: "expected an EC2 instance ID like i-0123456789abcdef0",
  });

/** Auto Scaling group names: 1–255 characters, no control characters other than tab/newline. */
export const asgNameSchema = z
  .string({ error: "expected an Auto Scaling group name string" })
  .min(1, { error: "expected a non-empty Auto Scaling group name" })
  .max(255, { error: "expected an Auto Scaling group name of at most 255 characters" })
  .refine((name) => !hasControlCharacter(name), {
    error: "expected an Auto Scaling group name without control characters",
  });

function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) return true;
  }
  return false;
}

/** Lifecycle hook names: 1–255 of `A-Z a-z 0-9 - _ /`. */
export const hookNameSchema = z
  .string({ error: "expected a lifecycle hook name string" })
  .regex(/^[A-Za-z0-9\-_/]{1,255}$/, {
    error: "expected a lifecycle hook name of 1–255 letters, digits, '-', '_' or '/'",
  });

/** A UUID in practice; accepted as 1–64 characters of UUID alphabet so that test tokens stay readable. */
export const lifecycleTokenSchema = z
  .string({ error: "expected a lifecycle action token string" })
  .regex(/^[A-Za-z0-9-]{1,64}$/, { error: "expected a lifecycle action token (a UUID)" });

/** EKS cluster names: 1–100 characters, starting alphanumeric, then alphanumerics, '-' or '_'. */
export const clusterNameSchema = z
  .string({ error: "expected a cluster name string" })
  .regex(/^[A-Za-z0-9][A-Za-z0-9\-_]{0,99}$/, {
    error:
      "expected an EKS cluster name (1–100 letters, digits, '-' or '_', starting with a letter or digit)",
  });

/** An ISO 8601 timestamp with a zone (AWS writes `Z`), normalised to `toISOString()` form. */
export const timestampSchema = z
  .string({ error: "expected an ISO 8601 timestamp string" })
  .max(64, { error: "expected an ISO 8601 timestamp" })
  .pipe(z.iso.datetime({ offset: true, error: "expected an ISO 8601 timestamp like 2026-11-24T10:00:00Z" }))
  .transform((value) => new Date(value).toISOString());

export const terminatingTransition = "autoscaling:EC2_INSTANCE_TERMINATING";
export const launchingTransition = "autoscaling:EC2_INSTANCE_LAUNCHING";

export const transitionSchema = z.enum([terminatingTransition, launchingTransition], {
  error: `expected ${terminatingTransition} or ${launchingTransition}`,
});

/** Where an instance comes from or goes to; present with warm pools. Unknown future values are kept. */
export const placeSchema = z
  .string({ error: "expected EC2, AutoScalingGroup or WarmPool" })
  .max(64, { error: "expected EC2, AutoScalingGroup or WarmPool" });
