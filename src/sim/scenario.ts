import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { parse as parseYaml } from "yaml";
import type * as z from "zod";
import { type Scenario, scenarioSchema } from "./scenario-schema.js";

export type { Scenario } from "./scenario-schema.js";

export interface ScenarioIssue {
  /** Where in the file: `workloads[2].pdb.maxUnavailable`. */
  path: string;
  message: string;
}

/** A scenario file that cannot be used; the message names the file and every field at fault. Not retryable. */
export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
  readonly retryable = false;

  constructor(
    readonly sourceName: string,
    readonly issues: readonly ScenarioIssue[],
    options?: ErrorOptions,
  ) {
    super(
      `scenario ${sourceName} is invalid:\n${issues.map((issue) => `  - ${issue.path || "(root)"}: ${issue.message}`).join("\n")}`,
      options,
    );
  }
}

function pathText(path: readonly PropertyKey[]): string {
  let text = "";
  for (const step of path) {
    if (typeof step === "number") text += `[${step}]`;
    else text += text === "" ? String(step) : `.${String(step)}`;
  }
  return text;
}

type ParsedScenario = z.output<typeof scenarioSchema>;

function exactlyOneRule(
  issues: ScenarioIssue[],
  path: string,
  budget: { minAvailable?: unknown; maxUnavailable?: unknown },
): void {
  const count = Number(budget.minAvailable !== undefined) + Number(budget.maxUnavailable !== undefined);
  if (count !== 1) issues.push({ path, message: "set exactly one of minAvailable and maxUnavailable" });
}

/** Rules that span fields: references between nodes, workloads and budgets, and kind-specific fields. */
function crossCheck(scenario: ParsedScenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const nodes = new Map<string, { joined: boolean }>();
  const instanceIds = new Set<string>();
  scenario.nodes.forEach((node, index) => {
    if (nodes.has(node.name))
      issues.push({ path: `nodes[${index}].name`, message: `duplicate node "${node.name}"` });
    if (instanceIds.has(node.instanceId)) {
      issues.push({
        path: `nodes[${index}].instanceId`,
        message: `duplicate instance id "${node.instanceId}"`,
      });
    }
    nodes.set(node.name, { joined: node.joined });
    instanceIds.add(node.instanceId);
  });
  const requireNode = (path: string, name: string) => {
    const node = nodes.get(name);
    if (!node) issues.push({ path, message: `no node named "${name}" in nodes` });
    else if (!node.joined)
      issues.push({ path, message: `node "${name}" has joined: false and runs no pods` });
  };

  const workloadKeys = new Set<string>();
  const budgetKeys = new Set<string>();
  scenario.workloads.forEach((workload, index) => {
    const at = `workloads[${index}]`;
    const key = `${workload.kind}/${workload.namespace}/${workload.name}`;
    if (workloadKeys.has(key))
      issues.push({ path: `${at}.name`, message: `duplicate ${workload.kind} "${workload.name}"` });
    workloadKeys.add(key);
    const placements = [workload.node, workload.nodes, workload.spread].filter(
      (value) => value !== undefined,
    );
    if (placements.length > 1)
      issues.push({ path: at, message: "set at most one of node, nodes and spread" });
    if (workload.node) requireNode(`${at}.node`, workload.node);
    workload.nodes?.forEach((name, nodeIndex) => {
      requireNode(`${at}.nodes[${nodeIndex}]`, name);
    });
    if (workload.kind === "DaemonSet") {
      for (const field of ["replicas", "node", "nodes", "spread"] as const) {
        if (workload[field] !== undefined) {
          issues.push({
            path: `${at}.${field}`,
            message: "a DaemonSet runs one pod per matching node; remove it",
          });
        }
      }
    }
    if (workload.volumes !== undefined && workload.kind !== "StatefulSet" && workload.kind !== "DaemonSet") {
      issues.push({
        path: `${at}.volumes`,
        message:
          "only a StatefulSet (volumeClaimTemplates) or a DaemonSet (a generic ephemeral volume) has volumes",
      });
    }
    if (workload.kind !== "Pod") {
      if (workload.mirror)
        issues.push({ path: `${at}.mirror`, message: "only kind Pod can be a mirror pod" });
      if (workload.phase !== "Running")
        issues.push({ path: `${at}.phase`, message: "only kind Pod can set a phase" });
    }
    if (workload.mirror && !workload.node) {
      issues.push({ path: `${at}.node`, message: "a mirror pod belongs to one node: set node" });
    }
    if (workload.pdb) {
      exactlyOneRule(issues, `${at}.pdb`, workload.pdb);
      const budgetKey = `${workload.namespace}/${workload.pdb.name ?? workload.name}`;
      if (budgetKeys.has(budgetKey))
        issues.push({ path: `${at}.pdb.name`, message: `duplicate budget "${budgetKey}"` });
      budgetKeys.add(budgetKey);
    }
  });

  scenario.budgets.forEach((budget, index) => {
    const at = `budgets[${index}]`;
    exactlyOneRule(issues, at, budget);
    if ((budget.labels === undefined) === (budget.selector === undefined)) {
      issues.push({ path: at, message: "set exactly one of labels and selector" });
    }
    const budgetKey = `${budget.namespace}/${budget.name}`;
    if (budgetKeys.has(budgetKey))
      issues.push({ path: `${at}.name`, message: `duplicate budget "${budgetKey}"` });
    budgetKeys.add(budgetKey);
  });

  const namespaces = new Set<string>();
  scenario.namespaces.forEach((namespace, index) => {
    if (namespaces.has(namespace.name)) {
      issues.push({ path: `namespaces[${index}].name`, message: `duplicate namespace "${namespace.name}"` });
    }
    namespaces.add(namespace.name);
  });
  if (scenario.drainNode) requireNode("drainNode", scenario.drainNode);
  if (scenario.faults.deleteNode) requireNode("faults.deleteNode.node", scenario.faults.deleteNode.node);
  if (scenario.faults.stopKubelet) requireNode("faults.stopKubelet.node", scenario.faults.stopKubelet.node);
  return issues;
}

function decode(text: string, sourceName: string): unknown {
  const looksJson = extname(sourceName).toLowerCase() === ".json" || /^\s*[{[]/.test(text);
  try {
    return looksJson ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ScenarioError(
      sourceName,
      [{ path: "", message: `not valid ${looksJson ? "JSON" : "YAML"}: ${reason}` }],
      {
        cause,
      },
    );
  }
}

/** Parses a scenario (YAML or JSON) and validates it; errors name `sourceName` and the field paths. */
export function parseScenario(text: string, sourceName: string): Scenario {
  const raw = decode(text, sourceName);
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ScenarioError(
      sourceName,
      parsed.error.issues.map((issue) => ({ path: pathText(issue.path), message: issue.message })),
    );
  }
  const issues = crossCheck(parsed.data);
  if (issues.length > 0) throw new ScenarioError(sourceName, issues);
  const name = parsed.data.name ?? basename(sourceName, extname(sourceName));
  return { ...parsed.data, name };
}

/** Reads and parses a scenario file. */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new Error(`reading scenario file ${path}`, { cause });
  }
  return parseScenario(text, path);
}
