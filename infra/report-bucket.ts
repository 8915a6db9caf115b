import { Duration, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import * as s3 from "aws-cdk-lib/aws-s3";
import type { Construct } from "constructs";
import type { AppContext } from "./app-context.js";
import { acknowledgeWildcardResource } from "./wildcard-acknowledgment.js";

/** The bucket of drain reports (REPORT_BUCKET): one HTML page per drain, kept for a while. */
export interface ReportBucketSettings {
  /** How long a report is kept before S3 deletes it. Default 30 days. */
  readonly expiration?: Duration;
}

export const defaultReportExpiration = Duration.days(30);

/**
 * Creates the report bucket — S3-managed encryption, TLS only (a bucket policy denying plain HTTP), public
 * access blocked, reports expiring — and lets `role` put objects in it, nothing else.
 * enforceSSL: https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
 */
export function createReportBucket(
  scope: Construct,
  role: iam.IRole,
  settings: ReportBucketSettings = {},
): s3.Bucket {
  const expiration = settings.expiration ?? defaultReportExpiration;
  const bucket = new s3.Bucket(scope, "ReportBucket", {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [
      { id: "expire-reports", expiration, abortIncompleteMultipartUploadAfter: Duration.days(1) },
    ],
  });
  Validations.of(bucket).acknowledge({
    id: "AwsSolutions-S1",
    reason:
      "The bucket holds only drain reports that the drainer's role writes and that expire; its writes are the drainer's own log lines (report written, with the key), so a second bucket for access logs would add nothing.",
  });
  const objects = bucket.arnForObjects("*");
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ sid: "DrainReports", actions: ["s3:PutObject"], resources: [objects] }),
  );
  acknowledgeWildcardResource(
    role,
    objects,
    "Drain reports are keyed by cluster, node and the drain's start, unknown at deploy time: PutObject on any key of this one bucket.",
  );
  return bucket;
}

/** The `reportBucket` prop the app's context asks for (-c reportBucket=true, -c reportExpirationDays=N). */
export function reportBucketOf(config: Pick<AppContext, "reportBucket" | "reportExpirationDays">): {
  reportBucket?: true | ReportBucketSettings;
} {
  if (config.reportBucket !== true) return {};
  const days = config.reportExpirationDays;
  return { reportBucket: days === undefined ? true : { expiration: Duration.days(days) } };
}
