export { AutoScalingLifecycle, isNoActiveAction, settingsOf } from "./auto-scaling-lifecycle.js";
export { AwsCallError, awsErrorCode, isRetryableAwsError, wrapAwsError } from "./aws-error.js";
export {
  type ClusterAccess,
  type ClusterConnection,
  EksClusterAccess,
  type EksClusterAccessOptions,
} from "./cluster-access.js";
export { type AwsCredentials, type CredentialSource, defaultCredentialSource } from "./credentials.js";
export {
  clusterIdHeader,
  eksTokenLifetimeMs,
  eksTokenPrefix,
  maxTokenBytes,
  mintEksToken,
  presignExpiresSeconds,
  stsHost,
} from "./eks-token.js";
export { Heartbeater, type HeartbeaterEnd, type HeartbeaterOptions } from "./heartbeater.js";
export {
  clusterNameFromTags,
  Ec2InstanceDirectory,
  type InstanceDirectory,
  type InstanceFacts,
} from "./instance-directory.js";
export {
  actionDeadline,
  type CompletionOutcome,
  globalTimeoutSeconds,
  type HeartbeatOutcome,
  type LifecycleActionRef,
  type LifecycleActions,
  type LifecycleHookSettings,
  type LifecycleResult,
  maxGlobalTimeoutSeconds,
  noActiveActionMessage,
} from "./lifecycle.js";
export { S3ReportStore } from "./s3-report-store.js";
export { TokenMinter, type TokenMinterOptions, tokenReuseMs } from "./token-minter.js";
