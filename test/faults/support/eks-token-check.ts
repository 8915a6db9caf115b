import { clusterIdHeader, eksTokenLifetimeMs, eksTokenPrefix } from "../../../src/aws/eks-token.js";

/**
 * The API server's side of EKS authentication, as far as a simulation can check it without STS: the
 * token is `k8s-aws-v1.` + a presigned GetCallerIdentity URL whose signed headers include
 * x-k8s-aws-id, and it is accepted for 15 minutes after its X-Amz-Date (on the given clock).
 */
export class EksTokenCheck {
  /** Each distinct token accepted, with its signing time. */
  readonly accepted = new Map<string, number>();
  /** Why each refused bearer was refused. */
  readonly refused: string[] = [];

  constructor(private readonly now: () => number) {}

  accept = (bearer: string): boolean => {
    const problem = this.problemOf(bearer);
    if (problem !== undefined) {
      this.refused.push(problem);
      return false;
    }
    return true;
  };

  private problemOf(bearer: string): string | undefined {
    if (!bearer.startsWith(eksTokenPrefix)) return "not an EKS token";
    let url: URL;
    try {
      url = new URL(Buffer.from(bearer.slice(eksTokenPrefix.length), "base64url").toString("utf8"));
    } catch {
      return "not a presigned URL";
    }
    const signedHeaders = url.searchParams.get("X-Amz-SignedHeaders")?.split(";") ?? [];
    if (!signedHeaders.includes(clusterIdHeader)) return `${clusterIdHeader} is not signed`;
    const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(
      url.searchParams.get("X-Amz-Date") ?? "",
    );
    if (date === null) return "no X-Amz-Date";
    const [, year, month, day, hour, minute, second] = date;
    const signedAt = Date.UTC(
      Number(year),
      Number(month) - 1,
      Number(day),
      Number(hour),
      Number(minute),
      Number(second),
    );
    const age = this.now() - signedAt;
    if (age >= eksTokenLifetimeMs) return `expired: signed ${Math.round(age / 1000)} s ago`;
    if (age < -60_000) return "signed in the future";
    this.accepted.set(bearer, signedAt);
    return undefined;
  }
}
