import {
  type HttpLibrary,
  IsomorphicFetchHttpLibrary,
  Observable,
  type RequestContext,
  type ResponseContext,
} from "@kubernetes/client-node";

/** The side of a KubeConfig that can replace the credential a refused request carried. */
export interface CredentialRenewal {
  /**
   * Forgets the credential behind `authorization` (the refused request's Authorization header) if it is
   * still the one in use, so that the next request gets a freshly minted one. False when the credential
   * cannot be renewed (a static token): the 401 is then the answer.
   */
  dropCredential(authorization: string): boolean;
  /** Puts the credential in use now (and the connection settings) on the request again. */
  applySecurityAuthentication(context: RequestContext): Promise<void>;
}

/**
 * client-node's fetch transport, plus one renewal on 401: the API server refusing a bearer token that
 * should still be good (aws-iam-authenticator failing its STS call for a moment, a token cut short) drops
 * the cached credential, mints (or runs the exec plugin) afresh and sends the request once more. A 401 to
 * the fresh credential is the answer; so is a 401 when there is nothing to renew (a static token).
 * Request bodies are strings, so sending twice sends the same request.
 * https://kubernetes.io/docs/reference/access-authn-authz/authentication/ (401 for a bearer token the
 * authenticator does not accept)
 */
export class CredentialRenewingHttpLibrary implements HttpLibrary {
  constructor(
    private readonly credentials: CredentialRenewal,
    private readonly transport: HttpLibrary = new IsomorphicFetchHttpLibrary(),
  ) {}

  send(request: RequestContext): Observable<ResponseContext> {
    return new Observable(this.sendRenewingOnce(request));
  }

  private async sendRenewingOnce(request: RequestContext): Promise<ResponseContext> {
    const answer = await this.transport.send(request).toPromise();
    if (answer.httpStatusCode !== 401) return answer;
    const refused = authorizationOf(request);
    if (refused === undefined) return answer;
    if (!this.credentials.dropCredential(refused)) return answer;
    await answer.body.text().catch(() => undefined);
    // A token minted within the same second as the refused one is the same string; sent again, the
    // authenticator checks it again, so it is still worth the one retry.
    await this.credentials.applySecurityAuthentication(request);
    return this.transport.send(request).toPromise();
  }
}

function authorizationOf(request: RequestContext): string | undefined {
  const headers = request.getHeaders();
  return headers.Authorization ?? headers.authorization;
}

/** The bearer token of an Authorization header, or undefined for another scheme. */
export function bearerOf(authorization: string): string | undefined {
  return /^Bearer\s+(.+)$/i.exec(authorization.trim())?.[1];
}
