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

/** The camera's position at the scene's latest frame. */
async function cameraAt(page: Page): Promise<readonly number[]> {
  const { camera } = await snapshot(page);
  if (!camera) throw new Error('the scene has not reported its camera');
  return camera.position;
}

const distance = (a: readonly number[], b: readonly number[]) =>
  Math.hypot(...a.map((x, i) => x - b[i]!));

/**
 * Drags across the scene to orbit the camera and waits for the controls' damping to settle;
 * returns where the camera was before and after.
 */
async function orbit(page: Page): Promise<{ before: readonly number[]; after: readonly number[] }> {
  const before = await cameraAt(page);
  const box = await page.locator('.scene canvas').boundingBox();
  if (!box) throw new Error('the scene canvas is not on the page');
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(x + i * 30, y + i * 4);
  await page.mouse.up();
  let last = await cameraAt(page);
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    await page.waitForTimeout(500);
    const now = await cameraAt(page);
    if (distance(now, last) < 0.01 * distance(now, before)) return { before, after: now };
    last = now;
  }
  throw new Error(`the camera was still moving 60 s after the drag (now at ${last.join(', ')})`);
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

    // The switch makes the canvas anew; the camera stays where the user left it.
    const { before, after } = await orbit(page);
    const orbited = distance(after, before);
    expect(orbited, 'the drag should have moved the camera').toBeGreaterThan(
      0.2 * Math.hypot(...before),
    );
    await notice.getByLabel('Antialiasing').selectOption('on');
    await expect.poll(() => notice.textContent()).toContain('Antialiasing on (your choice)');
    await drawsWith(page, true);
    const kept = await cameraAt(page);
    expect(distance(kept, after)).toBeLessThan(0.05 * orbited);
    console.info(
      `camera kept through the new canvas: moved ${orbited.toFixed(1)} by the drag, ` +
        `${distance(kept, after).toFixed(3)} from there after the switch`,
    );
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
