import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  launchChromium,
  requireChromium,
  screenshotOf,
  snapshot,
  waitFor,
  useTwinbenchServer,
} from './support.ts';

const ARTIFACTS = 'e2e/artifacts';

/** Share of pixels in a PNG that differ clearly from its top-left pixel (decoded in the page). */
async function drawnFraction(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const [r0, g0, b0] = [data[0]!, data[1]!, data[2]!];
    let differing = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i]! - r0) + Math.abs(data[i + 1]! - g0) + Math.abs(data[i + 2]! - b0) > 30)
        differing += 1;
    }
    return differing / (data.length / 4);
  }, png.toString('base64'));
}

describe('the live twin in Chromium', () => {
  const twin = useTwinbenchServer(ARTIFACTS);

  it('shows the moving bridge from live telemetry, with the WGSL kernel running in the worker', async (ctx) => {
    const executablePath = requireChromium(ctx);
    const browser = twin.track(await launchChromium(executablePath, { webgpu: true }));
    const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
    const consoleErrors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
    await page.goto(twin.url());

    const live = await waitFor(
      page,
      'live telemetry',
      (s) => s.connection === 'open' && s.channels >= 17 && s.totalSamples > 2000,
    );
    expect(Number.isFinite(live.midspanMm)).toBe(true);

    const sim = await waitFor(
      page,
      'the simulation worker',
      (s) => s.sim.phase === 'running' && s.sim.steps > 1000,
    );
    expect(sim.sim.backend, `fallback reason: ${sim.sim.fallbackReason}`).toBe('webgpu');
    expect(sim.sim.adapter).toBeTruthy();
    expect(sim.sim.selfCheckDisplacement).toBeLessThan(1e-5);
    await expect.poll(() => page.getByTestId('sim-backend').textContent()).toContain('WebGPU');

    // The scene keeps drawing, and what it draws moves with the measurements. (Software
    // rendering in headless Chromium manages a few frames a second; a GPU, sixty.)
    const first = await snapshot(page);
    const second = await waitFor(page, 'more frames', (s) => s.frames >= first.frames + 3, 15_000);
    expect(second.sceneDeflectionMm).not.toBe(first.sceneDeflectionMm);
    expect(second.totalSamples).toBeGreaterThan(first.totalSamples);

    // Channel list shows values and rates near 100 Hz.
    const rate = page.locator('tr[data-channel="disp.z.L50"] .ch-rate');
    await expect
      .poll(async () => Number.parseFloat((await rate.textContent()) ?? '0'), { timeout: 30_000 })
      .toBeGreaterThan(60);

    // Operator command through the relay to the fleet: the plant reports the member damaged, and
    // the worker's model takes the same damage.
    await page.locator('.damage-panel select').selectOption('7');
    await page.getByRole('button', { name: 'Apply damage' }).click();
    await expect
      .poll(() => page.locator('.damage-panel').textContent(), { timeout: 30_000 })
      .toContain('sent to the twin');
    await expect
      .poll(() => page.getByTestId('damage-status').textContent(), { timeout: 30_000 })
      .toMatch(/Damaged.*bottom chord L7-8 at 50 % stiffness/);

    // Clipped from the page: the canvas redraws every frame, so it is never "stable" for
    // locator.screenshot under a loaded machine.
    const canvasShot = await screenshotOf(page.locator('.scene canvas'));
    expect(await drawnFraction(page, canvasShot)).toBeGreaterThan(0.05);
    const shot = await page.screenshot();
    writeFileSync(`${ARTIFACTS}/live-twin.png`, shot);
    expect(consoleErrors).toEqual([]);
    await page.close();
  }, 180_000);

  it('says why and falls back to the CPU step when the browser has no WebGPU', async (ctx) => {
    const executablePath = requireChromium(ctx);
    const plain = await launchChromium(executablePath, { webgpu: false });
    try {
      const page = await plain.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(twin.url());
      const s = await waitFor(
        page,
        'the CPU fallback',
        (x) => x.sim.phase === 'running' && x.sim.steps > 100 && x.totalSamples > 500,
      );
      expect(s.sim.backend).toBe('cpu');
      expect(s.sim.fallbackReason).toMatch(/WebGPU|adapter/);
      await expect
        .poll(() => page.getByTestId('sim-fallback').textContent())
        .toContain('WebGPU unavailable');
      expect(s.frames).toBeGreaterThan(0); // never a blank page
      writeFileSync(`${ARTIFACTS}/cpu-fallback.png`, await page.screenshot());
    } finally {
      await plain.close();
    }
  });
});
