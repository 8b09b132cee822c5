import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  launchChromium,
  requireChromium,
  screenshotOf,
  waitFor,
  useTwinbenchServer,
} from './support.ts';

const ARTIFACTS = 'e2e/artifacts';

describe('the Fit panel in Chromium', () => {
  const twin = useTwinbenchServer(ARTIFACTS);

  /** The workbench in a WebGPU Chromium, connected to the relay; page errors are collected. */
  async function openWorkbench(executablePath: string) {
    const browser = twin.track(await launchChromium(executablePath, { webgpu: true }));
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    // The live simulation steps on the CPU here: on SwiftShader every WebGPU device shares one
    // emulated GPU, and the fit should not queue behind 3 000 live steps a second.
    await page.goto(`${twin.url()}?gpu=off`);
    await waitFor(page, 'the relay connected', ({ connection }) => connection === 'open');
    return { page, pageErrors };
  }

  it('finds a hidden bridge damage with progress and a falling loss, and applies it to the model', async (ctx) => {
    const { page, pageErrors } = await openWorkbench(requireChromium(ctx));

    const panel = page.getByTestId('fit-panel');
    await panel.scrollIntoViewIfNeeded();
    await page.getByTestId('fit-member').selectOption('7');
    await page.getByTestId('fit-health').fill('0.6');
    // A short fit: on SwiftShader each iteration takes seconds (the Node test runs the full one).
    await page.getByTestId('fit-iterations').fill('6');
    await page.getByTestId('fit-refine').fill('4');
    await page.getByTestId('fit-run').click();

    // The progress bar advances while the loss falls, iteration by iteration.
    const early = await waitFor(
      page,
      'three iterations reported',
      ({ fit }) => fit.phase === 'running' && fit.losses.length >= 3,
      240_000,
    );
    expect(early.fit.progressValue).toBeGreaterThan(0);
    const done = await waitFor(
      page,
      'the fit to finish',
      ({ fit }) => fit.phase === 'done' || fit.phase === 'failed',
      360_000,
    );
    expect(done.fit.message).toBeNull();
    expect(done.fit.progressValue).toBe(1);
    expect(done.fit.progressValue!).toBeGreaterThan(early.fit.progressValue!);
    const localised = done.fit.losses.slice(0, 6);
    expect(localised.at(-1)!).toBeLessThan(localised[0]! / 2);
    await expect
      .poll(() => page.getByTestId('fit-loss-chart').locator('canvas').count())
      .toBeGreaterThan(0);
    const result = done.fit.result!;
    console.info(
      `fit found member ${result.member} at ${(result.health * 100).toFixed(1)} % (hidden: 7 at 60 %)`,
    );
    // The fit goes into the run log, and the entry verifies in the browser.
    const logged = page.getByTestId('fit-log');
    await expect
      .poll(() => logged.getAttribute('data-status'), { timeout: 60_000 })
      .not.toBe('logging');
    console.info(`fit log: ${await logged.textContent()}`);
    expect(await logged.getAttribute('data-status')).toBe('verified');
    writeFileSync(`${ARTIFACTS}/fit-panel.png`, await screenshotOf(panel));

    // Under a loaded CI machine the page can take long to produce the frame a click needs.
    await page.getByTestId('fit-apply').click({ timeout: 120_000 });
    const applied = await waitFor(
      page,
      'the fitted damage in the model',
      ({ modelDamage }) => modelDamage !== null,
    );
    // Putting the fitted model into the shadow is logged too.
    const deployed = page.getByTestId('shadow-log');
    await expect
      .poll(() => deployed.getAttribute('data-status'), { timeout: 60_000 })
      .not.toBe('logging');
    console.info(`shadow deployment log: ${await deployed.textContent()}`);
    expect(await deployed.getAttribute('data-status')).toBe('verified');
    expect(applied.modelDamage).toEqual(result);
    await expect
      .poll(() => page.getByTestId('fit-applied').textContent())
      .toContain(`member ${result.member}`);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 660_000);
});
