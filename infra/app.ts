import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { AppContextError, readAppContext } from "./app-context.js";
import { NodeDrainerStack } from "./node-drainer-stack.js";
import { NodeDrainerWorkerStack } from "./node-drainer-worker-stack.js";

// `npx cdk deploy -c clusterName=<cluster> -c asgNames=<group>[,<group>...] [-c mode=worker]`. Environment-agnostic (no
// account, no lookups), so `npx cdk synth` works offline.
const app = new App();
try {
  const config = readAppContext((key) => app.node.tryGetContext(key));
  const stackName = config.stackName ?? `eks-node-drainer-${config.clusterName.replaceAll("_", "-")}`;
  const description = `eks-node-drainer for EKS cluster ${config.clusterName}`;
  if (config.mode === "worker") new NodeDrainerWorkerStack(app, stackName, { config, description });
  else new NodeDrainerStack(app, stackName, { config, description });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  app.synth();
} catch (error) {
  if (!(error instanceof AppContextError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
