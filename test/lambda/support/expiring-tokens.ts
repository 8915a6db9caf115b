import { eksTokenPrefix } from "../../../src/aws/eks-token.js";

/** When an EKS token was signed (its presigned URL's X-Amz-Date), epoch ms; undefined if it is not one. */
export function signedAtOf(token: string): number | undefined {
  if (!token.startsWith(eksTokenPrefix)) return undefined;
  let url: URL;
  try {
    url = new URL(Buffer.from(token.slice(eksTokenPrefix.length), "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const stamp = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(
    url.searchParams.get("X-Amz-Date") ?? "",
  );
  if (stamp === null) return undefined;
  const [, year, month, day, hour, minute, second] = stamp;
  return Date.parse(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
}

/**
 * An API server's token check scaled down in time: an EKS token is accepted for `lifetimeMs` after it
 * was signed (15 minutes on EKS), and refused after. Remembers every token it accepted.
 */
export function expiringTokens(now: () => number, lifetimeMs: number) {
  const accepted = new Set<string>();
  return {
    accepted,
    accept(bearer: string): boolean {
      const signedAt = signedAtOf(bearer);
      if (signedAt === undefined) return false;
      const age = now() - signedAt;
      if (age < -1_000 || age > lifetimeMs) return false;
      accepted.add(bearer);
      return true;
    },
  };
}
