import { createContext, useContext } from 'react';
import type { Twin } from './twinFile.ts';

/** The twin the workbench shows, parsed from its twin file. */
export const TwinContext = createContext<Twin | null>(null);

export function useTwin(): Twin {
  const twin = useContext(TwinContext);
  if (!twin) throw new Error('Twinbench: useTwin() needs a <TwinContext.Provider> above it.');
  return twin;
}
