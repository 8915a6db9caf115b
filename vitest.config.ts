import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // Drains run on the virtual clock: a test takes well under 10 s; the few end-to-end ones (a built
    // CLI, a bundle, a CDK synth in a process) say how long they may take.
    testTimeout: 10_000,
    hookTimeout: 30_000,
    pool: "forks",
    maxWorkers: 2,
    // The test files of a worker share its module graph (imported once, not once per file): no test
    // relies on a module's state from another file — each starts its own clusters, clocks and clients,
    // and restores what it mocks — as `--sequence.shuffle` runs check.
    isolate: false,
    allowOnly: false,
  },
});
