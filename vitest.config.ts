import { defineConfig } from "vitest/config";

/**
 * Two projects. `unit`: everything under test/ but test/e2e, one folder per folder of src/ (and the
 * cross-cutting suites: faults, stateful, observability, architecture), all in process, drains on the
 * virtual clock. `e2e`: what runs as a user runs it — the built CLI and the Lambda bundle in processes
 * of their own, the CDK app through its command line, the worker stopped by a signal.
 * `npx vitest run --project unit` runs the fast part alone.
 */
export default defineConfig({
  test: {
    globalSetup: ["test/support/global-setup.ts"],
    pool: "forks",
    maxWorkers: 2,
    // The test files of a worker share its module graph (imported once, not once per file): no test
    // relies on a module's state from another file — each starts its own clusters, clocks and clients,
    // and restores what it mocks — as `--sequence.shuffle` runs check.
    isolate: false,
    allowOnly: false,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/e2e/**"],
          // Drains run on the virtual clock: a test takes well under 10 s.
          testTimeout: 10_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          // Processes, bundles and real time: each may take a while on a loaded machine.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
