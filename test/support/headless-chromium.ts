import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "puppeteer-core";

/** Debian's chromium package (`apt-get install chromium`), which .ci/run installs. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Why no browser can run here, or undefined when one can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `no Chromium at ${CHROMIUM} (install Debian's chromium package, or set CHROMIUM_PATH): the browser check is skipped`;
}

/**
 * Starts headless Chromium with a fresh profile and nothing that reaches the network on its own (no
 * updates, sync or background requests); `use` gets the browser, which is closed and its profile removed
 * afterwards whatever happens.
 */
export async function withChromium<T>(use: (browser: Browser) => Promise<T>): Promise<T> {
  const { launch } = await import("puppeteer-core");
  const profile = mkdtempSync(join(tmpdir(), "eks-node-drainer-chromium-"));
  const browser = await launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
    ],
  });
  try {
    return await use(browser);
  } finally {
    await browser.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }
}
