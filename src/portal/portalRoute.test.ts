import { describe, expect, it } from 'vitest';
import { isPortalPage, portalHref, workbenchHref } from './portalRoute.ts';

describe('portal route', () => {
  it('recognises the portal by ?page=portal only', () => {
    expect(isPortalPage('?page=portal&model=pidPlant')).toBe(true);
    expect(isPortalPage('?twin=footbridge')).toBe(false);
    expect(isPortalPage('?page=Portal')).toBe(false);
  });

  it('keeps the token between the workbench and the portal and drops page parameters', () => {
    expect(portalHref('?twin=footbridge&token=abc')).toBe('?page=portal&token=abc');
    expect(portalHref('', 'model-x1')).toBe('?page=portal&model=model-x1');
    expect(workbenchHref('?page=portal&model=pidPlant&token=abc')).toBe('?token=abc');
    expect(workbenchHref('?page=portal')).toBe('./');
  });
});
