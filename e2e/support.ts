import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import type { TestHook, TestSnapshot } from '../src/app/testHook.ts';
import { afterAll, beforeAll, expect, type TestContext } from 'vitest';

const require = createRequire(import.meta.url);

/** Flags that give headless Chromium WebGPU on SwiftShader (or on the GPU where there is one). */
export const WEBGPU_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--use-angle=swiftshader',
];
const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

export function findChromium(): string | null {
  const candidates = [
    process.env.TWINBENCH_CHROMIUM,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
  ];
  return candidates.find((path): path is string => Boolean(path && existsSync(path))) ?? null;
}

/**
 * Skips (loudly) when there is no Chromium, or fails under TWINBENCH_REQUIRE_ALL=1 (CI).
 * Returns the executable path when the browser tests can run.
 */
export function requireChromium(ctx: TestContext): string {
  const path = findChromium();
  if (path) return path;
  const message = `browser test "${ctx.task.name}" needs Chromium: install Debian's chromium package or set TWINBENCH_CHROMIUM`;
  if (process.env.TWINBENCH_REQUIRE_ALL === '1')
    throw new Error(`${message} (TWINBENCH_REQUIRE_ALL=1 forbids skipping)`);
  console.warn(`\n*** SKIPPING ${message} ***\n`);
  ctx.skip(message);
  throw new Error('unreachable');
}

/**
 * Chromium with a profile on disk. `launchChromium`'s contexts are incognito, where Chromium keeps
 * IndexedDB in memory; tests of what survives a browser restart need this one.
 */
export function launchPersistentChromium(
  executablePath: string,
  userDataDir: string,
  options: { webgpu: boolean; viewport?: { width: number; height: number } },
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    ...(options.viewport ? { viewport: options.viewport } : {}),
    args: [
      ...QUIET_FLAGS,
      ...(options.webgpu ? WEBGPU_FLAGS : ['--disable-gpu', '--disable-features=WebGPU']),
    ],
  });
}

export async function launchChromium(
  executablePath: string,
  options: { webgpu: boolean },
): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      ...QUIET_FLAGS,
      ...(options.webgpu ? WEBGPU_FLAGS : ['--disable-gpu', '--disable-features=WebGPU']),
    ],
  });
}

export interface RunningServer {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<number | null>;
}

/** Starts the real Twinbench server (`server/main.ts`) on ephemeral ports and waits for its URL. */
export async function startServer(
  extraEnv: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<RunningServer> {
  const tsxCli = require.resolve('tsx/cli');
  const child: ChildProcess = spawn(process.execPath, [tsxCli, 'server/main.ts'], {
    env: {
      ...process.env,
      TWINBENCH_PORT: '0',
      TWINBENCH_MQTT_PORT: '0',
      // A registry of its own: never the checkout's .twinbench/registry, which another server may hold.
      TWINBENCH_REGISTRY_DIR: 'memory://',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not print its URL within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Twinbench is running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code} before it was ready:\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', (code) => {
          clearTimeout(kill);
          resolve(code);
        });
        child.kill('SIGINT');
      }),
  };
}

/** What the page's test hook reports now (src/app/testHook.ts). */
export function snapshot(page: Page): Promise<TestSnapshot> {
  return page.evaluate(() =>
    (window as unknown as { __twinbench: TestHook }).__twinbench.snapshot(),
  );
}

/** Polls the test hook until `predicate` holds; the error shows the last snapshot. */
export async function waitFor(
  page: Page,
  what: string,
  predicate: (s: TestSnapshot) => boolean,
  timeoutMs = 30_000,
): Promise<TestSnapshot> {
  const deadline = Date.now() + timeoutMs;
  let last: TestSnapshot | null = null;
  while (Date.now() < deadline) {
    last = await snapshot(page);
    if (predicate(last)) return last;
    await page.waitForTimeout(200);
  }
  throw new Error(`timed out waiting for ${what}; last snapshot: ${JSON.stringify(last)}`);
}

/**
 * For a describe block: starts the real server before its tests (when Chromium is there; each
 * test reports the skip otherwise), and afterwards closes the browsers handed to `track` and
 * checks the server exits cleanly on SIGINT.
 */
export function useTwinbenchServer(artifacts: string): {
  url: () => string;
  track: (browser: Browser) => Browser;
} {
  let server: RunningServer | null = null;
  const browsers: Browser[] = [];
  beforeAll(async () => {
    if (!findChromium()) return;
    mkdirSync(artifacts, { recursive: true });
    server = await startServer();
  });
  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    const running = server;
    if (!running) return;
    const code = await running.stop();
    expect(code, `server should exit cleanly on SIGINT:\n${running.output()}`).toBe(0);
  });
  return {
    url: () => {
      if (!server) throw new Error('the server did not start (see beforeAll)');
      return server.url;
    },
    track: (browser) => {
      browsers.push(browser);
      return browser;
    },
  };
}

/**
 * A screenshot of what `locator` covers now. Unlike `locator.screenshot()` it does not wait for
 * the element to stop moving — a panel whose numbers update every frame may never be "stable"
 * on a loaded machine (a fit panel's screenshot once timed out waiting for that in CI).
 */
export async function screenshotOf(locator: Locator): Promise<Buffer> {
  // A panel may sit below the fold of a scrolling side panel: bring it into view, then clip
  // what of it the viewport shows.
  await locator.scrollIntoViewIfNeeded();
  const box = await locator.boundingBox();
  const viewport = locator.page().viewportSize();
  if (box === null || viewport === null)
    throw new Error(`screenshotOf: ${String(locator)} is not visible`);
  const x = Math.max(0, box.x);
  const y = Math.max(0, box.y);
  const width = Math.min(viewport.width, box.x + box.width) - x;
  const height = Math.min(viewport.height, box.y + box.height) - y;
  if (!(width > 0 && height > 0))
    throw new Error(`screenshotOf: ${String(locator)} is outside the viewport`);
  return locator.page().screenshot({ clip: { x, y, width, height } });
}
