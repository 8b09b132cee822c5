import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  launchChromium,
  requireChromium,
  snapshot,
  waitFor,
  useTwinbenchServer,
} from './support.ts';

const KEY = 'twinbench.render.antialias';

/** Whether the scene's WebGL context draws with multisampling (its context attributes). */
function sceneAntialias(page: Page): Promise<boolean | null> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('.scene canvas');
    const gl = canvas?.getContext('webgl2');
    return gl?.getContextAttributes()?.antialias ?? null;
  });
}

/** The scene draws with `antialias`, and keeps drawing frames. */
async function drawsWith(page: Page, antialias: boolean): Promise<void> {
  await expect.poll(() => sceneAntialias(page), { timeout: 30_000 }).toBe(antialias);
  const now = await snapshot(page);
  await waitFor(page, 'frames after the switch', (s) => s.frames >= now.frames + 2, 30_000);
}

describe('antialiasing of the 3D view in Chromium', () => {
  const twin = useTwinbenchServer('e2e/artifacts');

  it('follows the choice in the scene notice, remembers it through a reload, and auto judges the frames', async (ctx) => {
    const executablePath = requireChromium(ctx);
    const browser = twin.track(await launchChromium(executablePath, { webgpu: true }));
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    // A browser that chose "off" before: the view starts without antialiasing and says so.
    await page.addInitScript(
      ([key]) => {
        if (localStorage.getItem(key!) === null)
          localStorage.setItem(key!, JSON.stringify({ mode: 'off' }));
      },
      [KEY],
    );
    await page.goto(twin.url());
    await waitFor(page, 'the first frames', (s) => s.frames >= 2, 60_000);
    const notice = page.getByTestId('render-quality');
    await expect.poll(() => notice.textContent()).toContain('Antialiasing off (your choice)');
    await drawsWith(page, false);

    await notice.getByLabel('Antialiasing').selectOption('on');
    await expect.poll(() => notice.textContent()).toContain('Antialiasing on (your choice)');
    await drawsWith(page, true);
    expect(await page.evaluate((key) => localStorage.getItem(key), KEY)).toBe('{"mode":"on"}');

    await page.reload();
    await waitFor(page, 'frames after the reload', (s) => s.frames >= 2, 60_000);
    await drawsWith(page, true);
    await expect.poll(() => notice.textContent()).toContain('Antialiasing on (your choice)');

    // Auto starts with antialiasing and judges the first frames: it stays on a GPU that keeps
    // up, and on one that draws under 10 frames/s it goes off with the figure that decided.
    await notice.getByLabel('Antialiasing').selectOption('auto');
    await expect.poll(() => notice.count()).toBe(0);
    const start = await snapshot(page);
    await waitFor(page, 'frames to judge', (s) => s.frames >= start.frames + 14, 120_000);
    const stored = await page.evaluate((key) => localStorage.getItem(key), KEY);
    if ((await sceneAntialias(page)) === false) {
      await expect
        .poll(() => notice.textContent())
        .toMatch(/Antialiasing off: with it, this GPU drew [\d.]+ frames\/s/);
      expect(stored).toMatch(/^\{"mode":"auto","autoOffMs":[\d.]+\}$/);
      console.info(`auto: ${await notice.locator('span').textContent()}`);
    } else {
      expect(await notice.count()).toBe(0);
      expect(stored).toBe('{"mode":"auto"}');
      console.info('auto: antialiasing kept');
    }
    await drawsWith(page, (await sceneAntialias(page)) === true);
    expect(errors).toEqual([]);
  }, 400_000);
});
