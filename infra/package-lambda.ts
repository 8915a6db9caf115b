import { relative } from "node:path";
import { buildLambdaPackage } from "./lambda-package.js";

// npx tsx infra/package-lambda.ts — builds dist/lambda/index.mjs and zips it for the CloudFormation
// template's CodeBucket/CodeKey parameters.
const built = await buildLambdaPackage();
const zip = relative(process.cwd(), built.zipPath);
console.log(`wrote ${zip} (sha256 ${built.sha256})`);
console.log(`upload: aws s3 cp ${zip} s3://<CodeBucket>/${built.suggestedKey}`);
console.log(`then deploy with CodeKey=${built.suggestedKey}`);
