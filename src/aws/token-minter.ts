import { type Clock, systemClock } from "../time/clock.js";
import { wrapAwsError } from "./aws-error.js";
import type { AwsCredentials, CredentialSource } from "./credentials.js";
import { mintEksToken } from "./eks-token.js";

/** A token is used at most this long after signing: a minute of margin before the server's 15. */
export const tokenReuseMs = 14 * 60_000;
/** Temporary credentials are not used to sign within this long of their expiry. */
const credentialMarginMs = 60_000;

export interface TokenMinterOptions {
  region: string;
  credentials: CredentialSource;
  clock?: Clock;
  /** Reuse window; defaults to 14 minutes. */
  reuseMs?: number;
}

interface MintedToken {
  token: string;
  usableUntil: number;
}

/**
 * Mints EKS tokens per cluster and hands out the same one until it is 14 minutes old (or its
 * credentials near expiry), then mints afresh. Concurrent callers share one signing; a failure is not kept.
 */
export class TokenMinter {
  private readonly clock: Clock;
  private readonly reuseMs: number;
  private readonly minted = new Map<string, MintedToken>();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly options: TokenMinterOptions) {
    this.clock = options.clock ?? systemClock;
    this.reuseMs = options.reuseMs ?? tokenReuseMs;
  }

  /** A token for `clusterName` that the API server accepts for at least another minute. */
  async token(clusterName: string): Promise<string> {
    const cached = this.minted.get(clusterName);
    if (cached !== undefined && this.clock.now() < cached.usableUntil) return cached.token;
    const inFlight = this.pending.get(clusterName);
    if (inFlight !== undefined) return inFlight;
    const minting = this.mint(clusterName).finally(() => this.pending.delete(clusterName));
    this.pending.set(clusterName, minting);
    return minting;
  }

  /**
   * The API server refused `token` (401): forget it, if it is still the one cached for `clusterName`,
   * so that the next `token` call mints afresh. A token already replaced is left alone, so that many
   * requests refused together lead to one new signing.
   */
  drop(clusterName: string, token: string): void {
    if (this.minted.get(clusterName)?.token === token) this.minted.delete(clusterName);
  }

  private async mint(clusterName: string): Promise<string> {
    let credentials: AwsCredentials;
    try {
      credentials = await this.options.credentials();
    } catch (cause) {
      throw wrapAwsError(`resolving AWS credentials to mint a token for cluster ${clusterName}`, cause);
    }
    const signedAt = this.clock.now();
    const token = await mintEksToken({
      clusterName,
      region: this.options.region,
      credentials,
      signingDate: new Date(signedAt),
    });
    const credentialsEnd = credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
    this.minted.set(clusterName, {
      token,
      usableUntil: Math.min(signedAt + this.reuseMs, credentialsEnd - credentialMarginMs),
    });
    return token;
  }
}
