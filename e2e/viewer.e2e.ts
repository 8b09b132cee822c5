import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { McapIndexedReader, TempBuffer } from '@mcap/core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { NamedSample, TestHook } from '../src/app/testHook.ts';
import { DEFLECTION_CHANNELS } from '../src/twin/deformation.ts';
import {
  launchPersistentChromium,
  requireChromium,
  useTwinbenchServer,
  waitFor,
} from './support.ts';

const ARTIFACTS = 'e2e/artifacts';
type Hook = { __twinbench: TestHook };
const NAMES = [
  ...DEFLECTION_CHANNELS.vertical.L,
  ...DEFLECTION_CHANNELS.vertical.R,
  'strain.bc.L7',
  'acc.z.L50',
];

function storedAt(page: Page, id: string, t: number): Promise<NamedSample[]> {
  return page.evaluate(
    ([id, t, names]) => (window as unknown as Hook).__twinbench.recorder.latestAt(id, t, names),
    [id, t, NAMES] as const,
  );
}

function displayed(page: Page): Promise<NamedSample[]> {
  return page.evaluate((names) => (window as unknown as Hook).__twinbench.displayed(names), NAMES);
}

describe('the live twin viewer in Chromium', () => {
  const twin = useTwinbenchServer(ARTIFACTS);

  it('pauses live, scrubs to the recorded state, steps, bookmarks, and keeps the note through a reload and into the MCAP', async (ctx) => {
    const executablePath = requireChromium(ctx);
    const profile = mkdtempSync(join(tmpdir(), 'twinbench-viewer-'));
    // The CPU simulation step is enough here (the shadow test uses WebGPU) and lighter on 2 cores.
    const options = { webgpu: false, viewport: { width: 1400, height: 860 } };
    const context = await launchPersistentChromium(executablePath, profile, options);
    try {
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(String(e)));
      await page.goto(twin.url());

      // 1. The live twin updates: frames are drawn and the midspan reading moves.
      const first = await waitFor(
        page,
        '4 s recorded and flushed',
        ({ connection, recorder: r }) =>
          connection === 'open' &&
          r.firstTime !== null &&
          r.persistedThrough !== null &&
          r.persistedThrough - r.firstTime >= 4000,
        60_000,
      );
      const later = await waitFor(
        page,
        'new live frames and readings',
        (s) => s.frames > first.frames + 10 && s.totalSamples > first.totalSamples + 500,
      );
      expect(later.view.mode).toBe('live');
      writeFileSync(`${ARTIFACTS}/viewer-live.png`, await page.screenshot());

      // Pause (space): the view freezes on the recording being written.
      await page.locator('body').press('Space');
      const paused = await waitFor(
        page,
        'paused on the live recording',
        ({ view }) => view.mode === 'playback' && !view.playing && view.growing && !view.buffering,
      );
      const id = paused.view.recordingId!;
      expect(id).toBe(first.recorder.recordingId);

      // Drag on the track from 80 % to 35 %: the cursor follows, the views show the recording there.
      const track = page.getByTestId('playback-track');
      const box = (await track.boundingBox())!;
      const y = box.y + box.height / 2;
      await page.mouse.move(box.x + box.width * 0.8, y);
      await page.mouse.down();
      for (let i = 1; i <= 10; i++)
        await page.mouse.move(box.x + box.width * (0.8 - (0.45 * i) / 10), y);
      await page.mouse.up();
      const dragged = await waitFor(
        page,
        'the cursor dragged back, samples read',
        ({ view }) => view.cursor !== null && view.cursor < paused.view.cursor! && !view.buffering,
      );
      const cursor = dragged.view.cursor!;
      const shown = await displayed(page);
      const want = await storedAt(page, id, cursor);
      expect(want.every((s) => s !== null)).toBe(true);
      expect(shown).toEqual(want);
      const drawn = await waitFor(page, 'a frame at the cursor', (s) => s.frames > dragged.frames);
      expect(drawn.sceneDeflectionMm).toBe(
        want[NAMES.indexOf(DEFLECTION_CHANNELS.vertical.L[1])]!.value,
      );
      writeFileSync(`${ARTIFACTS}/viewer-scrubbing.png`, await page.screenshot());

      // One sample forward (→): the cursor moves to the next stored sample, the views with it.
      await page.locator('body').press('ArrowRight');
      const stepped = await waitFor(
        page,
        'one sample forward',
        ({ view }) => view.cursor !== null && view.cursor > cursor && !view.buffering,
      );
      expect(stepped.view.cursor! - cursor).toBeLessThanOrEqual(10); // 100 Hz sensors
      expect(await displayed(page)).toEqual(await storedAt(page, id, stepped.view.cursor!));

      // 2. A note at the cursor: listed, drawn on the timeline.
      const text = `inspection note ${Date.now()}`;
      await page.getByTestId('annotation-text').fill(text);
      await page.getByTestId('annotation-add').click();
      const noted = await waitFor(page, 'the note listed', (s) =>
        s.annotations.some((a) => a.text === text),
      );
      const note = noted.annotations.find((a) => a.text === text)!;
      expect(note.t0).toBe(stepped.view.cursor);
      await expect.poll(() => page.getByTestId('timeline-marker').count()).toBeGreaterThan(0);

      // The address holds the view: reloading it comes back to the recording, the time and the note.
      await expect.poll(() => page.url()).toContain(`recording=${id}`);
      const url = page.url();
      await page.reload();
      const reloaded = await waitFor(
        page,
        'the linked recording and its note after a reload',
        (s) =>
          s.view.mode === 'playback' &&
          s.view.recordingId === id &&
          s.annotations.some((a) => a.id === note.id && a.text === text),
        60_000,
      );
      expect(
        Math.abs(reloaded.view.cursor! - Number(new URL(url).searchParams.get('t'))),
      ).toBeLessThan(2);
      await expect
        .poll(() => page.getByTestId('annotation').filter({ hasText: text }).count())
        .toBe(1);

      // The MCAP export carries the note on /twinbench/annotations.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId(`export-${id}`).click(),
      ]);
      const file = `${ARTIFACTS}/viewer-${download.suggestedFilename()}`;
      await download.saveAs(file);
      const reader = await McapIndexedReader.Initialize({
        readable: new TempBuffer(new Uint8Array(readFileSync(file))),
      });
      const topics = new Map([...reader.channelsById.values()].map((c) => [c.id, c.topic]));
      const notes: unknown[] = [];
      for await (const message of reader.readMessages())
        if (topics.get(message.channelId) === '/twinbench/annotations')
          notes.push(JSON.parse(new TextDecoder().decode(message.data)));
      expect(notes).toContainEqual(expect.objectContaining({ id: note.id, text, t0: note.t0 }));
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 240_000);
});
