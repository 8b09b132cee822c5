/**
 * The portal lives in the same index.html as the workbench (the server has no SPA fallback):
 * `/?page=portal`, optionally with `&model=<draft id>`.
 */
export const PORTAL_PAGE = 'portal';

export function isPortalPage(search: string): boolean {
  return new URLSearchParams(search).get('page') === PORTAL_PAGE;
}

/** The portal's address, keeping a token the workbench was opened with. */
export function portalHref(search: string, model?: string): string {
  const from = new URLSearchParams(search);
  const params = new URLSearchParams({ page: PORTAL_PAGE });
  const token = from.get('token');
  if (token) params.set('token', token);
  if (model) params.set('model', model);
  return `?${params.toString()}`;
}

/** The workbench's address from the portal's (without the portal's own parameters). */
export function workbenchHref(search: string): string {
  const params = new URLSearchParams(search);
  params.delete('page');
  params.delete('model');
  const rest = params.toString();
  return rest ? `?${rest}` : './';
}
