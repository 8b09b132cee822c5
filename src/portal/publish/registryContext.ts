import { createContext, useContext } from 'react';
import type { PortalRegistry } from './portalRegistry.ts';
import type { RegistryOpener } from './registryOpener.ts';

export const RegistryContext = createContext<{
  registry: PortalRegistry;
  opener: RegistryOpener;
} | null>(null);

export function usePortalRegistry(): { registry: PortalRegistry; opener: RegistryOpener } {
  const value = useContext(RegistryContext);
  if (!value)
    throw new Error('Twinbench portal: registry panels must be inside <RegistryContext.Provider>.');
  return value;
}

/** Query keys, so a publish can refresh what it changed. */
export const registryKeys = {
  all: ['registry'] as const,
  models: () => ['registry', 'models'] as const,
  versions: (model: string) => ['registry', 'versions', model] as const,
  version: (model: string, version: string) => ['registry', 'version', model, version] as const,
  logged: (model: string, version: string, digest: string) =>
    ['registry', 'logged', model, version, digest] as const,
  authorKey: () => ['registry', 'author-key'] as const,
};

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
