import { defaultProvider } from "@aws-sdk/credential-provider-node";

/** AWS credentials as the signer needs them. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
  /** When temporary credentials stop working; absent for long-term keys. */
  expiration?: Date | undefined;
}

/** Resolves current credentials; called before each signature so that rotated credentials are picked up. */
export type CredentialSource = () => Promise<AwsCredentials>;

/**
 * The SDK's default provider chain (environment, web identity, SSO, shared files, container and instance
 * metadata), memoized and refreshed by the SDK before expiry. In Lambda it reads the environment.
 */
export function defaultCredentialSource(): CredentialSource {
  const provider = defaultProvider();
  return () => provider();
}
