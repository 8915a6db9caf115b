import { writeFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import type { ParseArgsOptionsConfig } from "node:util";
import * as z from "zod";
import type { DrainRecord } from "../timeline/index.js";
import type { CliContext } from "./cli-context.js";
import { CliError } from "./cli-error.js";

/** `--report FILE.html`: the drain drawn as one self-contained HTML page (drain, plan, simulate). */
export const reportFlagSpecs = {
  report: { type: "string" },
} satisfies ParseArgsOptionsConfig;

export const reportFlagShape = {
  report: z
    .string()
    .min(1, "needs a file name")
    .refine((file) => /\.html?$/i.test(file), {
      message: "the report is an HTML file: end its name in .html",
    })
    .optional(),
};

/**
 * Renders the record and writes it to `file` (relative to the working directory). The renderer is loaded
 * only when a report is asked for.
 */
export async function writeReport(file: string, record: DrainRecord, context: CliContext): Promise<string> {
  const path = isAbsolute(file) ? file : resolve(context.cwd, file);
  const { renderDrainReport } = await import("../timeline/index.js");
  try {
    await writeFile(path, renderDrainReport(record));
  } catch (cause) {
    throw new CliError(`writing the report to ${path}`, { cause });
  }
  return path;
}
