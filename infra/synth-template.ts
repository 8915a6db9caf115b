import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { synthesizeTemplate, templatePath, templateText } from "./template-synthesis.js";

// npx tsx infra/synth-template.ts — regenerates deploy/eks-node-drainer.template.json.
mkdirSync(dirname(templatePath), { recursive: true });
writeFileSync(templatePath, templateText(synthesizeTemplate()));
console.log(`wrote ${relative(process.cwd(), templatePath)}`);
