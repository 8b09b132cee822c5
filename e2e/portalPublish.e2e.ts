import { mkdirSync, writeFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PortalTestSnapshot } from '../src/portal/portalTestHook.ts';
import { markers, type, waitForPortal } from './portalHook.ts';
import {
  findChromium,
  launchChromium,
  requireChromium,
  screenshotOf,
  startServer,
  type RunningServer,
} from './support.ts';

const KERNEL = 'pidPlant.wgsl';
const MODEL = 'pid-plant-e2e';

/** Polls the text (or an input's value) of what `locator` finds until `check` passes. */
function pollText(locator: Locator, timeout = 30_000) {
  return expect.poll(
    async () =>
      (await locator.count()) === 0
        ? null
        : await locator
            .first()
            .evaluate((el) => (el instanceof HTMLInputElement ? el.value : (el.textContent ?? ''))),
    { timeout, interval: 200 },
  );
}

async function runTests(page: Page): Promise<PortalTestSnapshot> {
  await page.getByTestId('portal-run-button').click();
  const done = await waitForPortal(
    page,
    'the test run',
    (s) => s.run.phase === 'finished',
    240_000,
  );
  expect(done.run.status).toBe('done');
  expect(done.run.cases.length).toBeGreaterThan(0);
  expect(done.run.cases.filter((c) => c.status !== 'passed')).toEqual([]);
  return done;
}

describe('publishing from the portal and opening by name and version, in Chromium', () => {
  let server: RunningServer | null = null;
  const browsers: Browser[] = [];
  beforeAll(async () => {
    if (!findChromium()) return;
    // Anonymous requests on loopback are `operator` by default, which cannot publish.
    server = await startServer({ TWINBENCH_ANONYMOUS_ROLE: 'author' });
  });
  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    const running = server;
    if (!running) return;
    const code = await running.stop();
    expect(code, `server should exit cleanly on SIGINT:\n${running.output()}`).toBe(0);
  });

  it('fixes a kernel error, passes the test run, publishes, and opens the version in a fresh page', async (ctx) => {
    const executablePath = requireChromium(ctx);
    const url = server!.url;
    const browser = await launchChromium(executablePath, { webgpu: true });
    browsers.push(browser);

    // ---- the author: an error marked, fixed, tested, published ----------------------------
    const author = await browser.newContext({ viewport: { width: 1500, height: 950 } });
    const page = await author.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${url}?page=portal&model=pidPlant`);
    const ready = await waitForPortal(
      page,
      'the editor and the first checks',
      (s) => s.editorReady && !s.checking && s.draftId === 'pidPlant',
      120_000,
    );
    expect(ready.diagnostics).toEqual([]);
    await pollText(page.getByTestId('portal-publish-blocked')).toContain('Run the tests first');

    const original = ready.files[KERNEL]!;
    const broken = original.replace(
      '  let v = s.v + dt * a;',
      '  let v = s.v + dt * acceleration;',
    );
    expect(await type(page, KERNEL, broken)).toBe(true);
    const line = broken.split('\n').findIndex((l) => l.includes('dt * acceleration')) + 1;
    await expect
      .poll(async () => (await markers(page, KERNEL)).map((m) => m.line), {
        timeout: 30_000,
        interval: 200,
      })
      .toEqual([line, line]);
    await pollText(page.getByTestId('portal-publish-blocked')).toMatch(/errors? \(see Problems\)/);
    console.info(`marker at ${KERNEL}:${line} while broken; Publish says why it is disabled`);

    expect(await type(page, KERNEL, original)).toBe(true);
    await expect.poll(() => markers(page, KERNEL), { timeout: 30_000, interval: 200 }).toEqual([]);
    await waitForPortal(page, 'the fixed model', (s) => s.modelReady && !s.checking);
    const tested = await runTests(page);
    console.info(`test run: ${tested.run.cases.length} cases passed in ${tested.run.elapsedMs} ms`);

    await page.getByTestId('portal-publish-name').fill(MODEL);
    await pollText(page.getByTestId('portal-publish-version')).toBe('1.0.0');
    await pollText(page.getByTestId('portal-publish-key')).toContain('ed25519:');
    const publishButton = page.getByTestId('portal-publish-button');
    await expect
      .poll(() => publishButton.isEnabled(), { timeout: 30_000, interval: 200 })
      .toBe(true);
    const published = tested.files;
    const started = Date.now();
    await publishButton.click();
    await pollText(page.getByTestId('portal-publish-done')).toContain(`${MODEL}@1.0.0`);
    const publishMs = Date.now() - started;
    const row = page.getByTestId('portal-version-1.0.0');
    const verifyStarted = Date.now();
    await expect
      .poll(() => row.getByTestId('portal-version-verified').count(), {
        timeout: 30_000,
        interval: 200,
      })
      .toBe(1);
    const verifyMs = Date.now() - verifyStarted;
    await pollText(row.getByTestId('portal-version-trust')).toBe('tested');
    const badge = await row.getByTestId('portal-version-verified').getAttribute('title');
    console.info(
      `published ${MODEL}@1.0.0 in ${publishMs} ms; run log inclusion verified in the browser ${verifyMs} ms later: ${badge}`,
    );
    mkdirSync('e2e/artifacts', { recursive: true });
    writeFileSync(
      'e2e/artifacts/portal-publish.png',
      await screenshotOf(page.getByTestId('portal-publish')),
    );
    // The next version is suggested from the one just published.
    await pollText(page.getByTestId('portal-publish-version')).toBe('1.0.1');
    expect(pageErrors).toEqual([]);

    // ---- a fresh page: a version that does not exist opens nothing and says so --------------
    const reader = await browser.newContext({ viewport: { width: 1500, height: 950 } });
    const fresh = await reader.newPage();
    const freshErrors: string[] = [];
    fresh.on('pageerror', (e) => freshErrors.push(String(e)));
    await fresh.goto(`${url}?page=portal&registry=${MODEL}@9.9.9`);
    const missing = await waitForPortal(
      fresh,
      'the refusal of a missing version',
      (s) => s.registry?.phase === 'failed' && s.draftId !== null,
      120_000,
    );
    expect(missing.draftId).toBe('pidPlant');
    await pollText(fresh.getByTestId('portal-registry-error')).toContain(
      `${MODEL}@9.9.9 was not opened`,
    );

    // ---- … and the published one opens by name and version, verified ----------------------
    const openStarted = Date.now();
    await fresh.goto(`${url}?page=portal&registry=${MODEL}@1.0.0`);
    const opened = await waitForPortal(
      fresh,
      'the published version as a draft',
      (s) =>
        s.registry?.phase === 'opened' &&
        s.draftId === `registry-${MODEL}@1.0.0` &&
        s.editorReady &&
        !s.checking,
      120_000,
    );
    console.info(
      `opened ${MODEL}@1.0.0 in a fresh page in ${Date.now() - openStarted} ms (download and verification ${Math.round(opened.registry!.elapsedMs!)} ms): ${JSON.stringify(opened.registry!.origin)}`,
    );
    expect(opened.files).toEqual(published);
    expect(opened.title).toBe(`${MODEL}@1.0.0`);
    expect(opened.registry!.origin).toMatchObject({
      model: MODEL,
      version: '1.0.0',
      signer: 'anonymous',
      verified: true,
    });
    expect(opened.diagnostics).toEqual([]);
    await pollText(fresh.getByTestId('portal-provenance')).toContain(`${MODEL}@1.0.0`);
    const rerun = await runTests(fresh);
    writeFileSync(
      'e2e/artifacts/portal-opened.png',
      await screenshotOf(fresh.getByTestId('portal-models')),
    );
    console.info(`the opened version's test run: ${rerun.run.cases.length} cases passed`);
    expect(freshErrors).toEqual([]);
  }, 600_000);
});

describe('publishing from the portal to a server that does not let anonymous users publish', () => {
  let server: RunningServer | null = null;
  const browsers: Browser[] = [];
  beforeAll(async () => {
    if (!findChromium()) return;
    server = await startServer();
  });
  afterAll(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    if (server) expect(await server.stop()).toBe(0);
  });

  it("shows the server's 403 with what to set", async (ctx) => {
    const browser = await launchChromium(requireChromium(ctx), { webgpu: true });
    browsers.push(browser);
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    await page.goto(`${server!.url}?page=portal&model=pidPlant`);
    await waitForPortal(
      page,
      'the checked model',
      (s) => s.editorReady && !s.checking && s.modelReady,
      120_000,
    );
    await runTests(page);
    await page.getByTestId('portal-publish-name').fill('pid-plant-denied');
    const button = page.getByTestId('portal-publish-button');
    await expect.poll(() => button.isEnabled(), { timeout: 30_000, interval: 200 }).toBe(true);
    await button.click();
    await pollText(page.getByTestId('portal-publish-error')).toContain(
      'set TWINBENCH_ANONYMOUS_ROLE=author',
    );
    console.info(`refused: ${await page.getByTestId('portal-publish-error').textContent()}`);
    await pollText(page.getByTestId('portal-versions')).toContain('None yet.');
  }, 300_000);
});
