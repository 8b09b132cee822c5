/**
 * The portal's test hook (`window.__twinbenchPortal`, src/portal/portalTestHook.ts) as e2e tests
 * read and drive it: its state, Monaco's markers of a file, and typing into a file.
 */
import type { Page } from 'playwright-core';
import type { PortalTestHook, PortalTestSnapshot } from '../src/portal/portalTestHook.ts';

/** The page's global as the hook sees it. */
export type PortalWindow = { __twinbenchPortal: PortalTestHook };

export function portalSnapshot(page: Page): Promise<PortalTestSnapshot> {
  return page.evaluate(() => (window as unknown as PortalWindow).__twinbenchPortal.snapshot());
}

/** Polls the portal's hook until `predicate` holds; the error shows the last snapshot. */
export async function waitForPortal(
  page: Page,
  what: string,
  predicate: (s: PortalTestSnapshot) => boolean,
  timeoutMs = 60_000,
): Promise<PortalTestSnapshot> {
  const deadline = Date.now() + timeoutMs;
  let last: PortalTestSnapshot | null = null;
  while (Date.now() < deadline) {
    last = await portalSnapshot(page).catch(() => null);
    if (last && predicate(last)) return last;
    await page.waitForTimeout(100);
  }
  throw new Error(`timed out waiting for ${what}; last snapshot: ${JSON.stringify(last)}`);
}

/** Monaco's markers of `file`. */
export function markers(page: Page, file: string) {
  return page.evaluate(
    (f) => (window as unknown as PortalWindow).__twinbenchPortal.markers(f),
    file,
  );
}

/** Replaces `file`'s text as if typed (one edit, through the editor). */
export function type(page: Page, file: string, text: string) {
  return page.evaluate(
    ([f, t]) => (window as unknown as PortalWindow).__twinbenchPortal.type(f!, t!),
    [file, text],
  );
}
