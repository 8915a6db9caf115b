// Runs in a fresh Node process: imports the Lambda bundle and invokes its `handler` once, as the Lambda
// runtime would, then prints one line `BUNDLE-RESULT <json>` and exits (the handler keeps connections
// alive for a warm container). Usage: node invoke-bundle.mjs <bundle.mjs> <event JSON> <time budget ms>
import { pathToFileURL } from "node:url";

const [bundlePath, eventJson, budgetText] = process.argv.slice(2);
const marker = "BUNDLE-RESULT ";

function report(outcome) {
  process.stdout.write(`\n${marker}${JSON.stringify(outcome)}\n`, () => process.exit(0));
}

const started = performance.now();
const bundle = await import(pathToFileURL(bundlePath).href);
const loadMs = performance.now() - started;
const endsAt = Date.now() + Number(budgetText);
const context = {
  awsRequestId: "6f1c2a44-0000-4d1e-9a51-0c7f2b8e5d10",
  invokedFunctionArn: "arn:aws:lambda:us-west-2:123456789012:function:eks-node-drainer",
  functionName: "eks-node-drainer",
  functionVersion: "$LATEST",
  memoryLimitInMB: "512",
  logGroupName: "/aws/lambda/eks-node-drainer",
  logStreamName: "2026/11/24/[$LATEST]0123456789abcdef",
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, endsAt - Date.now()),
};
try {
  const result = await bundle.handler(JSON.parse(eventJson), context);
  report({ exports: Object.keys(bundle).sort(), loadMs, result });
} catch (error) {
  report({
    exports: Object.keys(bundle).sort(),
    loadMs,
    error: { name: error?.name, message: error?.message, retryable: error?.retryable },
  });
}
