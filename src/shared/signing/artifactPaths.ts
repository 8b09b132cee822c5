/**
 * Paths inside a published version. A model manifest names its kernel and data files relative
 * to its own folder (docs/models.md); a version stores every file by its path from the version's
 * root, so `kernels/step.wgsl` named by `models/heat/model.yaml` is `models/heat/kernels/step.wgsl`.
 */
import { isArtifactPath } from './modelContent.ts';

/**
 * The version path of `relative` as named by the file at `from`, or null when it leaves the
 * version (`../../x`) or is absolute.
 */
export function resolveArtifactPath(from: string, relative: string): string | null {
  if (relative.startsWith('/') || relative.includes('\\')) return null;
  const parts = from.split('/').slice(0, -1);
  for (const name of relative.split('/')) {
    if (name === '' || name === '.') continue;
    if (name === '..') {
      if (parts.length === 0) return null;
      parts.pop();
    } else {
      parts.push(name);
    }
  }
  const path = parts.join('/');
  return isArtifactPath(path) ? path : null;
}
