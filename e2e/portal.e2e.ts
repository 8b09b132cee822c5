import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { markers, portalSnapshot, type, waitForPortal, type PortalWindow } from './portalHook.ts';
import { launchChromium, requireChromium, screenshotOf, useTwinbenchServer } from './support.ts';

const ARTIFACTS = 'e2e/artifacts';
const KERNEL = 'pidPlant.wgsl';

/** 1-based line of the first line of `text` holding `needle`. */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('the model portal in Chromium', () => {
  const twin = useTwinbenchServer(ARTIFACTS);

  async function openPortal(executablePath: string, model: string) {
    const browser = twin.track(await launchChromium(executablePath, { webgpu: true }));
    const page = await browser.newPage({ viewport: { width: 1500, height: 950 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${twin.url()}?page=portal&model=${model}`);
    const ready = await waitForPortal(
      page,
      'the editor and the first checks',
      (s) => s.editorReady && !s.checking && s.draftId === model,
      120_000,
    );
    return { page, pageErrors, ready };
  }

  it('marks a kernel error at its line, clears it when fixed, and the test run passes', async (ctx) => {
    const { page, pageErrors, ready } = await openPortal(requireChromium(ctx), 'pidPlant');
    expect(ready.diagnostics).toEqual([]);
    expect(ready.modelReady).toBe(true);

    const original = ready.files[KERNEL]!;
    const broken = original.replace(
      '  let v = s.v + dt * a;',
      '  let v = s.v + dt * acceleration;',
    );
    expect(await type(page, KERNEL, broken)).toBe(true);
    const line = lineOf(broken, 'dt * acceleration');
    const column = broken.split('\n')[line - 1]!.indexOf('acceleration') + 1;
    // Two checks find it: the GPU's WGSL compiler and the runtime's kernel checker; both mark
    // the name where it is written.
    await expect
      .poll(async () => (await markers(page, KERNEL)).length, { timeout: 30_000, interval: 200 })
      .toBe(2);
    const marked = await markers(page, KERNEL);
    expect(marked.map((m) => [m.severity, m.line, m.column, m.endColumn])).toEqual([
      ['error', line, column, column + 'acceleration'.length],
      ['error', line, column, column + 'acceleration'.length],
    ]);
    expect(marked.map((m) => m.message).join('\n')).toMatch(/unresolved value 'acceleration'/);
    for (const m of marked) console.info(`marker at ${KERNEL}:${m.line}:${m.column}: ${m.message}`);
    await expect.poll(() => page.getByTestId('portal-diagnostic').count()).toBeGreaterThan(0);

    expect(await type(page, KERNEL, original)).toBe(true);
    await expect.poll(() => markers(page, KERNEL), { timeout: 30_000, interval: 200 }).toEqual([]);
    await waitForPortal(page, 'the fixed model', (s) => s.modelReady && !s.checking);

    await page.getByTestId('portal-run-button').click();
    const done = await waitForPortal(
      page,
      'the test run',
      (s) => s.run.phase === 'finished',
      240_000,
    );
    expect(done.run.status).toBe('done');
    expect(done.run.cases.map((c) => c.status)).toEqual(['passed', 'passed', 'passed']);
    console.info(`test run: ${done.run.cases.length} cases passed in ${done.run.elapsedMs} ms`);
    await expect.poll(() => page.getByTestId('portal-case-plot').count()).toBeGreaterThan(0);
    writeFileSync('docs/portal.png', await screenshotOf(page.getByTestId('portal')));

    // monaco-yaml validates the manifest against its JSON Schema in its worker, beside our checks.
    const manifest = done.files['model.yaml']!;
    await type(page, 'model.yaml', manifest.replace('\ndt: 0.01\n', '\ndt: fast\n'));
    await expect
      .poll(
        () =>
          page.evaluate(() =>
            (window as unknown as PortalWindow).__twinbenchPortal
              .markers('model.yaml', 'yaml')
              .map((m) => m.line),
          ),
        { timeout: 30_000, interval: 200 },
      )
      .toContain(lineOf(manifest, 'dt: 0.01'));
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 420_000);

  it('traps a loop that never ends, also with the loop cap raised to 2^32 − 2, within 2 s, stops a run past its budget, and stays responsive', async (ctx) => {
    const { page, pageErrors, ready } = await openPortal(requireChromium(ctx), 'pidPlant');
    const original = ready.files[KERNEL]!;
    // A loop whose bound the checker accepts (a const) but that never ends in practice.
    const forever = original
      .replace('struct Clock', 'const FOREVER: u32 = 4294967295u;\n\nstruct Clock')
      .replace(
        '  let v = s.v + dt * a;',
        '  var v = s.v;\n  for (var k = 0u; k < FOREVER; k++) { v = v + dt * a * 0.0; }\n  v = v + dt * a;',
      );
    await type(page, KERNEL, forever);
    await waitForPortal(
      page,
      'the looping model checked',
      (s) => s.modelReady && !s.checking,
      60_000,
    );

    // With the loop guard's default cap the guard itself stops the loop: each case fails with a trap.
    await page.getByTestId('portal-run-button').click();
    const trapped = await waitForPortal(
      page,
      'the trapped run',
      (s) => s.run.phase === 'finished',
      180_000,
    );
    expect(trapped.run.status).toBe('done');
    expect(trapped.run.cases[0]).toMatchObject({ status: 'failed' });
    expect(trapped.run.cases[0]!.failure).toMatch(/loop/);
    console.info(`loop guard: ${trapped.run.cases[0]!.failure}`);

    // The case that froze the page's frames for minutes before the per-dispatch budget: the
    // per-invocation cap raised as high as it goes, so only the dispatch's budget stops the loop.
    await page.getByTestId('portal-run-loop-cap').fill(String(2 ** 32 - 2));
    await page.getByTestId('portal-run-button').click();
    const highCapClickedAt = Date.now();
    const highCapGaps: number[] = [];
    let firstStoppedMs = NaN;
    for (;;) {
      highCapGaps.push(
        await page.evaluate(() =>
          (window as unknown as PortalWindow).__twinbenchPortal.frameGaps(5),
        ),
      );
      const s = await portalSnapshot(page);
      if (Number.isNaN(firstStoppedMs) && s.run.cases.length > 0)
        firstStoppedMs = Date.now() - highCapClickedAt;
      if (s.run.phase === 'finished') break;
      if (Date.now() - highCapClickedAt > 60_000) throw new Error(JSON.stringify(s.run));
    }
    const highCap = await portalSnapshot(page);
    const highCapFinishedMs = Date.now() - highCapClickedAt;
    expect(highCap.run.status).toBe('done');
    expect(highCap.run.cases.map((c) => c.status)).toEqual(['failed', 'failed', 'failed']);
    expect(highCap.run.cases[0]!.failure).toMatch(
      /^pidPlant\.wgsl:\d+:3: the for loop of kernel pidPlant was running when the dispatch .* ran out of work: its invocations together went past 1048576 loop iterations in one dispatch .* raise limits\.maxDispatchIterations$/,
    );
    console.info(`dispatch budget: ${highCap.run.cases[0]!.failure}`);
    console.info(
      JSON.stringify({
        maxLoopIterations: 2 ** 32 - 2,
        firstCaseStoppedAndReportedAfterClickMs: firstStoppedMs,
        runFinishedAfterClickMs: highCapFinishedMs,
        runElapsedMs: highCap.run.elapsedMs,
        maxFrameGapMs: Math.max(...highCapGaps),
      }),
    );
    expect(firstStoppedMs).toBeLessThan(2000);
    expect(Math.max(...highCapGaps)).toBeLessThan(1000);

    // Work that stays under the guard's caps but outlasts the budget: 2^19 iterations a step
    // (half the dispatch's budget; the cap raised to 2^22) for 600 steps. The watchdog must stop it.
    const budgetMs = 4000;
    await type(page, KERNEL, forever.replace('4294967295u', '524288u'));
    await waitForPortal(page, 'the long model checked', (s) => s.modelReady && !s.checking, 60_000);
    await page.getByTestId('portal-run-budget').fill(String(budgetMs / 1000));
    await page.getByTestId('portal-run-loop-cap').fill(String(2 ** 22));
    await page.getByTestId('portal-run-button').click();
    const clickedAt = Date.now();
    // While the run hangs, the page answers evaluate calls and animation frames at once.
    const evaluateMs: number[] = [];
    const frameGaps: number[] = [];
    while (Date.now() - clickedAt < budgetMs - 500) {
      const t0 = Date.now();
      await page.evaluate(() => document.title);
      evaluateMs.push(Date.now() - t0);
      frameGaps.push(
        await page.evaluate(() =>
          (window as unknown as PortalWindow).__twinbenchPortal.frameGaps(10),
        ),
      );
    }
    const stopped = await waitForPortal(
      page,
      'the watchdog',
      (s) => s.run.phase === 'finished',
      budgetMs + 10_000,
    );
    const reportedAfterMs = Date.now() - clickedAt;
    expect(stopped.run).toMatchObject({ status: 'stopped', reason: 'timeout' });
    expect(stopped.run.message).toContain('terminated');
    console.info(
      JSON.stringify({
        budgetMs,
        runElapsedMs: stopped.run.elapsedMs,
        reportedAfterClickMs: reportedAfterMs,
        maxFrameGapMs: Math.max(...frameGaps),
        maxEvaluateMs: Math.max(...evaluateMs),
      }),
    );
    expect(stopped.run.elapsedMs!).toBeLessThan(budgetMs + 2000);
    expect(reportedAfterMs).toBeLessThan(budgetMs + 2000);
    // Frames need Chromium's GPU process, which SwiftShader holds while a dispatch runs (2^19
    // loop iterations here); the page's own thread answers at once.
    expect(Math.max(...frameGaps)).toBeLessThan(2000);
    expect(Math.max(...evaluateMs)).toBeLessThan(1000);
    await expect
      .poll(() => page.getByTestId('portal-run-status').getAttribute('data-reason'))
      .toBe('timeout');

    // The next run gets a fresh worker and device.
    await page.getByTestId('portal-run-loop-cap').fill(String(2 ** 18));
    await page.getByTestId('portal-run-budget').fill('120');
    await type(page, KERNEL, original);
    await waitForPortal(page, 'the fixed model', (s) => s.modelReady && !s.checking);
    await page.getByTestId('portal-run-button').click();
    const next = await waitForPortal(
      page,
      'the next run',
      (s) => s.run.phase === 'finished',
      240_000,
    );
    expect(next.run.status).toBe('done');
    expect(next.run.cases.every((c) => c.status === 'passed')).toBe(true);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 600_000);

  it('keeps a draft across a reload, and undo after the reload restores the previous text', async (ctx) => {
    const { page, ready } = await openPortal(requireChromium(ctx), 'heatPlate');
    const kernel = 'heatPlate.wgsl';
    const first = `${ready.files[kernel]!}// first edit\n`;
    const second = `${first}// second edit\n`;
    await type(page, kernel, first);
    await waitForPortal(
      page,
      'the first save',
      (s) => s.storage === 'saved' && s.files[kernel] === first && s.history!.cursor >= 1,
    );
    await type(page, kernel, second);
    const saved = await waitForPortal(
      page,
      'the second save',
      (s) => s.storage === 'saved' && s.history!.cursor >= 2,
    );

    await page.reload();
    const reloaded = await waitForPortal(
      page,
      'the reloaded draft',
      (s) => s.editorReady && s.draftId === 'heatPlate' && s.files[kernel] === second,
      120_000,
    );
    expect(reloaded.history).toEqual(saved.history);
    expect(
      await page.evaluate(
        (f) => (window as unknown as PortalWindow).__twinbenchPortal.editorText(f),
        kernel,
      ),
    ).toBe(second);

    await page.getByTestId('portal-undo').click();
    await waitForPortal(
      page,
      'the undone revision',
      (s) => s.files[kernel] === first && s.storage === 'saved',
    );
    expect(
      await page.evaluate(
        (f) => (window as unknown as PortalWindow).__twinbenchPortal.editorText(f),
        kernel,
      ),
    ).toBe(first);
    await page.close();
  }, 300_000);
});
