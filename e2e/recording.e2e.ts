import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { NamedSample, TestHook } from '../src/app/testHook.ts';
import type { RecordingSummary } from '../src/workers/recorderProtocol.ts';
import { launchChromium, requireChromium, waitFor, useTwinbenchServer } from './support.ts';

const ARTIFACTS = 'e2e/artifacts';
type Hook = { __twinbench: TestHook };

function listRecordings(page: Page): Promise<readonly RecordingSummary[]> {
  return page.evaluate(() => (window as unknown as Hook).__twinbench.recorder.list());
}

function storedAt(page: Page, id: string, t: number, names: string[]): Promise<NamedSample[]> {
  return page.evaluate(
    ([id, t, names]) => (window as unknown as Hook).__twinbench.recorder.latestAt(id, t, names),
    [id, t, names] as const,
  );
}

describe('recording live telemetry in Chromium', () => {
  const twin = useTwinbenchServer(ARTIFACTS);

  it('keeps the recording across a reload, with the values that were recorded', async (ctx) => {
    const executablePath = requireChromium(ctx);
    // No WebGPU needed: the simulation falls back to the CPU step, which is lighter on 2 cores.
    const browser = twin.track(await launchChromium(executablePath, { webgpu: false }));
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(twin.url());

    // At least 2 s of live data recorded and written to IndexedDB by the once-a-second flush.
    const recorded = await waitFor(
      page,
      '2 s of recorded, flushed samples',
      ({ connection, recorder: r }) =>
        connection === 'open' &&
        r.recordingId !== null &&
        r.firstTime !== null &&
        r.persistedThrough !== null &&
        r.persistedThrough - r.firstTime >= 2000,
    );
    const id = recorded.recorder.recordingId!;
    const before = (await listRecordings(page)).find((r) => r.id === id)!;
    expect(before).toMatchObject({ twin: 'footbridge', active: true });
    const names = before.channels.map((ch) => ch.name);
    expect(names.length).toBeGreaterThanOrEqual(17);

    // A time well inside what was flushed: live telemetry still holds it in its history.
    const t = recorded.recorder.persistedThrough! - 700;
    const live = await page.evaluate(
      ([t, names]) => (window as unknown as Hook).__twinbench.liveAt(t, names),
      [t, names] as const,
    );
    const stored = await storedAt(page, id, t, names);
    const sensors = live.flatMap((s, i) => (s && s.time > t - 100 ? [i] : [])); // the 100 Hz ones
    expect(sensors.length).toBeGreaterThanOrEqual(17);
    for (const i of sensors) {
      // Live history keeps float32 values; the recording keeps the relay's float64 exactly.
      expect(stored[i]?.time, names[i]).toBe(live[i]!.time);
      expect(Math.fround(stored[i]!.value), names[i]).toBe(live[i]!.value);
    }
    await expect.poll(() => page.locator(`tr[data-recording="${id}"]`).count()).toBe(1);

    await page.reload();
    const after = await waitFor(
      page,
      'a new recording after the reload',
      ({ recorder: r }) =>
        r.phase === 'ready' && r.recordingId !== null && r.recordingId !== id && r.recordings >= 2,
    );
    expect(after.recorder.problem).toBeNull();

    const kept = (await listRecordings(page)).find((r) => r.id === id);
    expect(kept, 'the recording from before the reload').toBeDefined();
    expect(kept!.active).toBe(false);
    expect(kept!.channels.map((ch) => ch.name)).toEqual(names);
    expect(kept!.storedSamples).toBeGreaterThanOrEqual(recorded.recorder.samplesPersisted);
    expect(kept!.lastSampleTime).toBeGreaterThanOrEqual(recorded.recorder.persistedThrough!);
    expect(await storedAt(page, id, t, names)).toEqual(stored);
    await expect.poll(() => page.locator(`tr[data-recording="${id}"]`).count()).toBe(1);
    const panel = page.locator('.panel', { has: page.getByTestId('recording-panel') });
    writeFileSync(`${ARTIFACTS}/recording-panel.png`, await panel.screenshot());
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
