import type { S3Client } from "@aws-sdk/client-s3";
import { wrapAwsError } from "./aws-error.js";

/**
 * Writes drain reports (self-contained HTML pages) to one S3 bucket. The S3 SDK is imported on the first
 * report only: a drainer without a bucket never loads it. The bucket's own default encryption applies
 * (the CDK construct creates it with S3-managed keys).
 * PutObject: https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 */
export class S3ReportStore {
  private loading: Promise<(key: string, html: string) => Promise<void>> | undefined;

  constructor(
    readonly bucket: string,
    /** A client (tests), else one built on first use, in `region` (else the environment's region). */
    private readonly options: { client?: S3Client; region?: string } = {},
  ) {}

  /** Stores the page under `key`; answers its address, `s3://bucket/key`. */
  async put(key: string, html: string): Promise<string> {
    const loading = this.loading ?? this.load();
    this.loading = loading;
    loading.catch(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    const uri = `s3://${this.bucket}/${key}`;
    try {
      await (await loading)(key, html);
    } catch (error) {
      const wrapped = wrapAwsError(`writing the drain report ${uri}`, error);
      // The key names one drain: a page already there was written by the run that ended it (a retry after
      // a failed completion runs again and must not replace it with its own, nearly empty, page).
      if (wrapped.httpStatus === 412) return uri;
      throw wrapped;
    }
    return uri;
  }

  private async load() {
    const s3 = await import("@aws-sdk/client-s3");
    const { region } = this.options;
    // The report is written before the lifecycle action is completed: a hanging S3 must not hold the
    // completion up for long. Two attempts of at most 10 s each (a request timeout only warns unless
    // throwOnRequestTimeout is set: https://github.com/aws/aws-sdk-js-v3/blob/main/UPGRADING.md).
    const client =
      this.options.client ??
      new s3.S3Client({
        ...(region === undefined ? {} : { region }),
        maxAttempts: 2,
        requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
      });
    return async (key: string, html: string) => {
      await client.send(
        new s3.PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: html,
          ContentType: "text/html; charset=utf-8",
          // Written once: https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html
          IfNoneMatch: "*",
        }),
      );
    };
  }
}
