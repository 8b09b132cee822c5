import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordRevision, startHistory, filesAt } from './draftHistory.ts';
import { openDraftStore, type DraftRecord } from './draftStore.ts';
import { DraftStoreError, draftStoreError } from './draftStoreError.ts';

const files = { 'model.yaml': 'name: a\n', 'a.wgsl': 'fn main() {}\n' };

function draft(id: string, updatedAt: number): DraftRecord {
  return {
    id,
    title: id,
    origin: 'pidPlant',
    original: { manifest: 'model.yaml', files },
    manifest: 'model.yaml',
    history: recordRevision(startHistory(files), 'a.wgsl', 'fn main() { }\n', updatedAt),
    activeFile: 'a.wgsl',
    updatedAt,
  };
}

afterEach(() => vi.restoreAllMocks());

describe('the draft store', () => {
  it('keeps drafts and their history across connections (a reload)', async () => {
    const factory = new IDBFactory();
    const first = await openDraftStore(factory);
    await first.put(draft('older', 1));
    await first.put(draft('newer', 2));
    first.close();

    const second = await openDraftStore(factory);
    expect((await second.list()).map((d) => d.id)).toEqual(['newer', 'older']);
    const read = (await second.get('older'))!;
    expect(filesAt(read.history)['a.wgsl']).toBe('fn main() { }\n');
    expect(read.history.cursor).toBe(1);
    second.close();
  });

  it('keeps named snapshots per draft and deletes them with the draft', async () => {
    const store = await openDraftStore(new IDBFactory());
    await store.put(draft('a', 1));
    await store.put(draft('b', 1));
    await store.putSnapshot({ draftId: 'a', name: 'first', at: 1, files });
    await store.putSnapshot({ draftId: 'a', name: 'second', at: 2, files });
    await store.putSnapshot({ draftId: 'b', name: 'first', at: 3, files });
    await store.putSnapshot({ draftId: 'a', name: 'first', at: 4, files: { ...files, x: 'y' } });
    expect((await store.snapshots('a')).map((s) => [s.name, s.at])).toEqual([
      ['first', 4],
      ['second', 2],
    ]);
    await store.deleteSnapshot('a', 'second');
    expect((await store.snapshots('a')).map((s) => s.name)).toEqual(['first']);
    await store.delete('a');
    expect(await store.get('a')).toBeUndefined();
    expect(await store.snapshots('a')).toEqual([]);
    expect((await store.snapshots('b')).map((s) => s.name)).toEqual(['first']);
    store.close();
  });

  it('says drafts stay in memory when there is no IndexedDB', async () => {
    const error = await openDraftStore(undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DraftStoreError);
    expect(error).toMatchObject({ reason: 'unavailable' });
    expect((error as Error).message).toContain('drafts are kept only while this tab is open');
  });

  it('reports a full disk as quota with what to do, and the store keeps working', async () => {
    const store = await openDraftStore(new IDBFactory());
    const put = Object.getOwnPropertyDescriptor(IDBObjectStore.prototype, 'put')!.value as (
      this: IDBObjectStore,
      ...args: unknown[]
    ) => IDBRequest<IDBValidKey>;
    const spy = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementationOnce(() => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    });
    const error = await store.put(draft('a', 1)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'DraftStoreError', reason: 'quota' });
    expect((error as Error).message).toMatch(/storage for this site is full.*still in the editor/);
    spy.mockImplementation(function (this: IDBObjectStore, ...args: unknown[]) {
      return put.apply(this, args);
    });
    await store.put(draft('a', 2));
    expect((await store.get('a'))?.updatedAt).toBe(2);
    store.close();
  });

  it('classifies IndexedDB failures', () => {
    expect(draftStoreError(new DOMException('no', 'SecurityError'), 'x').reason).toBe(
      'unavailable',
    );
    const other = draftStoreError(new DOMException('broken', 'UnknownError'), 'saving draft "a"');
    expect(other.reason).toBe('failed');
    expect(other.message).toContain('saving draft "a" failed (UnknownError: broken)');
  });
});
