import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ANNOTATION_TEXT, makeAnnotation, patchAnnotation } from './annotations.ts';
import type { NewAnnotation } from './annotations.ts';
import { ReplayError } from './replayError.ts';
import { ReplayStore } from './replayStore.ts';
import { manualTimer, regularSamples } from './testing.ts';

const channels = [0, 1].map((id) => ({ id, name: `ch${id}`, unit: 'mm', source: 'test' }));
const open: ReplayStore[] = [];

async function openStore(indexedDB: IDBFactory = new IDBFactory()) {
  let now = 1_700_000_000_000;
  const store = await ReplayStore.open({ indexedDB, timer: manualTimer(), now: () => now++ });
  open.push(store);
  const rec = await store.createRecording({ twin: 'footbridge', channels });
  return { store, rec, indexedDB };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((store) => store.close().catch(() => undefined)));
});

const note = (recordingId: string, t0: number, extra: Partial<NewAnnotation> = {}) =>
  ({ recordingId, t0, t1: t0, text: '', author: 'operator', kind: 'note', ...extra }) as const;

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof ReplayError ? error.reason : `not a ReplayError: ${String(error)}`;
  }
  return undefined;
}

describe('annotation checks', () => {
  const valid = note('rec', 1000, { t1: 2000, text: 'walkers on the span' });

  it.each([
    ['a NaN t0', { t0: NaN }, /t0 must be a finite device time/],
    ['an infinite t1', { t1: Infinity }, /t1 must be a finite device time/],
    ['t1 before t0', { t0: 5, t1: 4 }, /t1 \(4\) is before t0 \(5\); give t1 ≥ t0/],
    [
      'text over the limit',
      { text: 'x'.repeat(MAX_ANNOTATION_TEXT + 1) },
      /10001 characters; the limit is 10000\. Shorten it/,
    ],
    ['an unknown kind', { kind: 'warning' }, /kind must be "note" or "alert", got "warning"/],
    ['an empty author', { author: '' }, /author must be a non-empty string/],
    [
      'channels that are not names',
      { channels: [3] },
      /channels must be an array of channel names/,
    ],
    ['no recording', { recordingId: '' }, /recordingId must be a recording's id/],
  ])('refuses %s with invalid_argument and the fix', (_, change, message) => {
    const input = { ...valid, ...change };
    expect(() => makeAnnotation(input, 'id', 0)).toThrow(message);
    expect(reasonOf(() => makeAnnotation(input, 'id', 0))).toBe('invalid_argument');
  });

  it('accepts text of exactly the limit and a bare bookmark, and drops unknown fields', () => {
    const long = makeAnnotation({ ...valid, text: 'x'.repeat(MAX_ANNOTATION_TEXT) }, 'a', 1);
    expect(long.text).toHaveLength(MAX_ANNOTATION_TEXT);
    const bare = makeAnnotation({ ...note('rec', 7), colour: 'red' }, 'b', 2);
    expect(bare).toEqual({
      id: 'b',
      recordingId: 'rec',
      t0: 7,
      t1: 7,
      text: '',
      author: 'operator',
      kind: 'note',
      createdAt: 2,
    });
  });

  it('moves a point bookmark as a whole, keeps a range its end, and refuses other fields', () => {
    const point = makeAnnotation(note('rec', 100), 'p', 0);
    expect(patchAnnotation(point, { t0: 250 })).toMatchObject({ t0: 250, t1: 250 });
    const range = makeAnnotation(note('rec', 100, { t1: 300 }), 'r', 0);
    expect(patchAnnotation(range, { t0: 200 })).toMatchObject({ t0: 200, t1: 300 });
    expect(() => patchAnnotation(range, { t0: 400 })).toThrow(/t1 \(300\) is before t0 \(400\)/);
    expect(() => patchAnnotation(range, { kind: 'alert' })).toThrow(
      /changes text, t0 and t1 only, got kind; delete the annotation and add a new one/,
    );
  });
});

describe('ReplayStore annotations', () => {
  it('adds, lists by t0, updates and deletes annotations', async () => {
    const { store, rec } = await openStore();
    const later = await store.addAnnotation(note(rec.id, 5000, { text: 'gust' }));
    const range = await store.addAnnotation(
      note(rec.id, 1000, {
        t1: 3000,
        text: 'displacement over 12 mm',
        author: 'shadow',
        kind: 'alert',
        channels: ['ch0'],
      }),
    );
    const point = await store.addAnnotation(note(rec.id, 1000));
    expect(later.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(range).toMatchObject({ recordingId: rec.id, kind: 'alert', channels: ['ch0'] });
    expect(range.createdAt).toBeGreaterThan(later.createdAt);
    // Same t0: the point (shorter) first.
    expect((await store.listAnnotations(rec.id)).map((a) => a.id)).toEqual([
      point.id,
      range.id,
      later.id,
    ]);

    const moved = await store.updateAnnotation(later.id, { t0: 500, text: 'gust, 20 m/s' });
    expect(moved).toEqual({ ...later, t0: 500, t1: 500, text: 'gust, 20 m/s' });
    expect((await store.listAnnotations(rec.id)).map((a) => a.id)).toEqual([
      later.id,
      point.id,
      range.id,
    ]);

    await store.deleteAnnotation(point.id);
    expect((await store.listAnnotations(rec.id)).map((a) => a.id)).toEqual([later.id, range.id]);
    await expect(store.deleteAnnotation(point.id)).rejects.toMatchObject({
      reason: 'unknown_annotation',
    });
    await expect(store.updateAnnotation('nope', { text: 'x' })).rejects.toThrow(
      /no annotation "nope".*listAnnotations/,
    );
  });

  it('keeps an annotation unchanged when an update is refused', async () => {
    const { store, rec } = await openStore();
    const a = await store.addAnnotation(note(rec.id, 100, { t1: 200, text: 'keep me' }));
    await expect(store.updateAnnotation(a.id, { t1: 50 })).rejects.toMatchObject({
      reason: 'invalid_argument',
    });
    await expect(store.updateAnnotation(a.id, { text: 'y'.repeat(10_001) })).rejects.toThrow(
      /limit is 10000/,
    );
    expect(await store.listAnnotations(rec.id)).toEqual([a]);
  });

  it('refuses an annotation for an unknown recording and a bad one, storing nothing', async () => {
    const { store, rec } = await openStore();
    await expect(store.addAnnotation(note('nope', 1))).rejects.toMatchObject({
      reason: 'unknown_recording',
      message: expect.stringMatching(/no recording "nope"; create it/) as unknown,
    });
    await expect(store.addAnnotation(note(rec.id, 10, { t1: 5 }))).rejects.toThrow(/before t0/);
    expect(await store.listAnnotations(rec.id)).toEqual([]);
    await expect(store.listAnnotations('nope')).rejects.toThrow(/no recording "nope"/);
  });

  it('deletes a recording’s annotations with it and leaves other recordings’ alone', async () => {
    const { store, rec, indexedDB } = await openStore();
    const other = await store.createRecording({ twin: 'footbridge', channels });
    store.append(rec.id, regularSamples(2, 10, 1));
    await store.addAnnotation(note(rec.id, 100));
    await store.addAnnotation(note(rec.id, 200, { t1: 400 }));
    const kept = await store.addAnnotation(note(other.id, 100));

    await store.deleteRecording(rec.id);

    expect(await store.listAnnotations(other.id)).toEqual([kept]);
    await store.close();
    // Nothing is left behind in IndexedDB either.
    const reopened = await ReplayStore.open({ indexedDB, timer: manualTimer() });
    open.push(reopened);
    expect(reopened.listRecordings().map((r) => r.id)).toEqual([other.id]);
    expect(await reopened.listAnnotations(other.id)).toEqual([kept]);
  });

  it('keeps annotations across a reload', async () => {
    const { store, rec, indexedDB } = await openStore();
    const a = await store.addAnnotation(note(rec.id, 42, { text: 'bolt check' }));
    const reopened = await ReplayStore.open({ indexedDB, timer: manualTimer() });
    open.push(reopened);
    expect(await reopened.listAnnotations(rec.id)).toEqual([a]);
  });
});
