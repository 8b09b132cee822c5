import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapIndexedReader, TempBuffer } from '@mcap/core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { NamedSample, TestHook } from '../src/app/testHook.ts';
import { DEFLECTION_CHANNELS } from '../src/twin/deformation.ts';
import type { RecordingSummary } from '../src/workers/recorderProtocol.ts';
import {
  launchChromium,
  launchPersistentChromium,
  requireChromium,
  screenshotOf,
  waitFor,
  useTwinbenchServer,
} from './support.ts';

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

  it('keeps the recording across a reload and a browser restart, and plays it', async (ctx) => {
    const executablePath = requireChromium(ctx);
    // A profile on disk, so IndexedDB is too (incognito keeps it in memory).
    const profile = mkdtempSync(join(tmpdir(), 'twinbench-e2e-'));
    // No WebGPU needed: the simulation falls back to the CPU step, which is lighter on 2 cores.
    const options = { webgpu: false, viewport: { width: 1280, height: 800 } };
    let context = await launchPersistentChromium(executablePath, profile, options);
    try {
      let page = await context.newPage();
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
          r.phase === 'ready' &&
          r.recordingId !== null &&
          r.recordingId !== id &&
          r.recordings >= 2,
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
      // A browser restart: the recording comes back from the profile on disk.
      await context.close();
      context = await launchPersistentChromium(executablePath, profile, options);
      page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      await page.goto(twin.url());
      await waitFor(
        page,
        'the recorder after a browser restart',
        ({ recorder: r }) => r.phase === 'ready' && r.recordings >= 3,
      );
      const restored = (await listRecordings(page)).find((r) => r.id === id);
      expect(restored, 'the recording after a browser restart').toBeDefined();
      expect(restored!.storedSamples).toBeGreaterThanOrEqual(kept!.storedSamples);
      expect(await storedAt(page, id, t, names)).toEqual(stored);

      const panel = page.locator('.panel', { has: page.getByTestId('recording-panel') });
      writeFileSync(`${ARTIFACTS}/recording-panel.png`, await screenshotOf(panel));

      // The recording plays: the timeline runs its cursor and the views show the stored samples.
      await page.getByTestId(`play-${id}`).click();
      await expect
        .poll(() => page.getByTestId('timeline').getAttribute('data-mode'))
        .toBe('playback');
      const playing = await waitFor(
        page,
        'the playback cursor 1.5 s into the recording',
        ({ view }) =>
          view.mode === 'playback' &&
          view.recordingId === id &&
          view.playing &&
          view.cursor !== null &&
          view.cursor >= kept!.firstSampleTime! + 1500,
      );
      expect(playing.view.problem).toBeNull();
      await page.getByTestId('playback-toggle').click();
      const paused = await waitFor(page, 'playback paused', ({ view }) => !view.playing);
      const cursor = paused.view.cursor!;
      const shown = await page.evaluate(
        (names) => (window as unknown as Hook).__twinbench.displayed(names),
        names,
      );
      const want = await storedAt(page, id, cursor, names);
      expect(shown).toEqual(want);
      // The 3D view draws the recorded deflection at the cursor.
      const midspan = DEFLECTION_CHANNELS.vertical.L[1];
      const drawn = await waitFor(
        page,
        'a frame drawn while paused',
        (snap) => snap.frames > paused.frames,
      );
      expect(drawn.sceneDeflectionMm).toBe(want[names.indexOf(midspan)]!.value);

      // Seeking by clicking the track: a quarter of the way in.
      const track = page.getByTestId('playback-track');
      const box = (await track.boundingBox())!;
      await page.mouse.click(box.x + box.width / 4, box.y + box.height / 2);
      const sought = await waitFor(
        page,
        'the cursor a quarter of the way in, with data',
        ({ view }) =>
          view.cursor !== null && view.cursor < cursor && !view.buffering && !view.playing,
      );
      const span = kept!.lastSampleTime! - kept!.firstSampleTime!;
      expect(Math.abs(sought.view.cursor! - (kept!.firstSampleTime! + span / 4))).toBeLessThan(
        span / 50,
      );
      expect(
        await page.evaluate(
          (names) => (window as unknown as Hook).__twinbench.displayed(names),
          names,
        ),
      ).toEqual(await storedAt(page, id, sought.view.cursor!, names));
      writeFileSync(`${ARTIFACTS}/playback.png`, await page.screenshot());

      await page.getByTestId('playback-live').click();
      await waitFor(page, 'back to live', ({ view }) => view.mode === 'live');

      // Export as MCAP: @mcap/core's indexed reader finds every stored sample in the download.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId(`export-${id}`).click(),
      ]);
      const file = `${ARTIFACTS}/${download.suggestedFilename()}`;
      await download.saveAs(file);
      const bytes = new Uint8Array(readFileSync(file));
      const reader = await McapIndexedReader.Initialize({ readable: new TempBuffer(bytes) });
      let messages = 0;
      for await (const message of reader.readMessages())
        if (message.data.byteLength > 0) messages++;
      const everything = await page.evaluate(
        ([id, names]) =>
          (window as unknown as Hook).__twinbench.recorder.countBetween(
            id,
            -Infinity,
            Infinity,
            names,
          ),
        [id, names] as const,
      );
      expect(messages).toBe(everything.reduce((a, b) => a + b, 0));
      expect(reader.channelsById.size).toBe(names.length);

      // Import it back: a new recording with the same samples.
      const countBefore = (await listRecordings(page)).length;
      await page.getByTestId('import-mcap').setInputFiles(file);
      await expect
        .poll(() => page.getByTestId('recording-message').textContent(), { timeout: 20_000 })
        .toMatch(
          new RegExp(
            `imported ${messages.toLocaleString('en-US')} samples on ${names.length} channels`,
          ),
        );
      const recordings = await listRecordings(page);
      expect(recordings.length).toBe(countBefore + 1);
      const imported = recordings.find(
        (r) => !r.active && r.id !== id && r.storedSamples === messages,
      );
      expect(imported, 'the imported recording').toBeDefined();
      expect(await storedAt(page, imported!.id, cursor, names)).toEqual(want);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 180_000);

  it('survives the browser storage quota running out: a notice, and no batch lost', async (ctx) => {
    const executablePath = requireChromium(ctx);
    const browser = twin.track(await launchChromium(executablePath, { webgpu: false }));
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(twin.url());
    const origin = new URL(twin.url()).origin;
    const cdp = await page.context().newCDPSession(page);

    const before = await waitFor(
      page,
      'a second of recorded, flushed samples',
      ({ recorder: r }) =>
        r.persistedThrough !== null &&
        r.firstTime !== null &&
        r.persistedThrough - r.firstTime >= 1000,
    );
    const id = before.recorder.recordingId!;

    // Shrink this origin's quota below what it already uses: no further write fits. (Chromium
    // applies the override to writes; navigator.storage.estimate() goes on reporting the default.
    // IndexedDB caches the space it may still use for a while, so the first refused write can
    // come tens of seconds later on a loaded machine — it once took over 30 s in CI.)
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1000 });
    const full = await waitFor(
      page,
      'the quota notice',
      ({ recorder: r }) => r.notices.some((n) => /quota was exceeded/.test(n)),
      90_000,
    );
    await expect
      .poll(() => page.getByTestId('recording-notice').textContent())
      .toMatch(/quota|could not write/);
    const panel = page.locator('.panel', { has: page.getByTestId('recording-panel') });
    writeFileSync(`${ARTIFACTS}/quota-notice.png`, await screenshotOf(panel));
    // Recording goes on in memory while the disk is "full".
    const stuck = await waitFor(
      page,
      'two more seconds recorded while storage is full',
      ({ recorder: r }) => r.lastTime !== null && r.lastTime - full.recorder.lastTime! >= 2000,
    );
    expect(stuck.recorder.recordingId).toBe(id);
    expect(stuck.recorder.samplesPersisted).toBeLessThan(stuck.recorder.samplesRecorded);
    const window = { t0: full.recorder.persistedThrough!, t1: stuck.recorder.lastTime! };

    // Space comes back: every sample held in memory is written, none was dropped.
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
    const healed = await waitFor(
      page,
      'everything recorded during the outage written',
      ({ recorder: r }) => r.persistedThrough !== null && r.persistedThrough >= window.t1,
    );
    expect(healed.recorder.problem).toBeNull();
    expect(healed.recorder.notices.join('\n')).toMatch(/works again; nothing was lost/);

    const recording = (await listRecordings(page)).find((r) => r.id === id)!;
    const names = recording.channels.map((ch) => ch.name);
    for (let k = 1; k <= 5; k++) {
      const t = window.t0 + ((window.t1 - window.t0) * k) / 6;
      const live = await page.evaluate(
        ([t, names]) => (window as unknown as Hook).__twinbench.liveAt(t, names),
        [t, names] as const,
      );
      const stored = await storedAt(page, id, t, names);
      live.forEach((sample, i) => {
        if (sample === null) return;
        expect(stored[i]?.time, `${names[i]} at ${t}`).toBe(sample.time);
        expect(Math.fround(stored[i]!.value), names[i]).toBe(sample.value);
      });
    }
    // Every sample of the outage is stored: counts per channel from the store match live history.
    const counts = await page.evaluate(
      async ([id, t0, t1, names]) => {
        const hook = (window as unknown as Hook).__twinbench;
        return hook.recorder.countBetween(id, t0, t1, names);
      },
      [id, window.t0, window.t1, names] as const,
    );
    const liveCounts = await page.evaluate(
      ([t0, t1, names]) => (window as unknown as Hook).__twinbench.liveCountBetween(t0, t1, names),
      [window.t0, window.t1, names] as const,
    );
    expect(counts).toEqual(liveCounts);
    expect(liveCounts.reduce((a, b) => a + b, 0)).toBeGreaterThan(1000);
    expect(stuck.recorder.recordingId).toBe(healed.recorder.recordingId);
    expect(pageErrors).toEqual([]);
    await page.close();
  }, 180_000);
});
