import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, which `npm test` installs (scripts/ensure.cjs --browser). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium for the suites that check what a real browser sees. Without the
 * background-networking flags it keeps dialling Google's hosts, which this closed network refuses.
 * Where the browser could not be installed (not root, no apt), the suite is skipped locally, but
 * CI must have it: a missing browser there fails instead of passing silently.
 */
export async function launchChromium(ctx: Mocha.Context): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    if (process.env.CI === 'true') throw new Error(`no browser at ${CHROMIUM_PATH}; npm test installs Debian's chromium`);
    ctx.skip();
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
