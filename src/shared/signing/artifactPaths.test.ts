import { describe, expect, it } from 'vitest';
import { resolveArtifactPath } from './artifactPaths.ts';

describe('resolveArtifactPath', () => {
  it('resolves a path relative to the folder of the file that names it', () => {
    expect(resolveArtifactPath('model.yaml', 'heat.wgsl')).toBe('heat.wgsl');
    expect(resolveArtifactPath('models/heat/model.yaml', 'kernels/step.wgsl')).toBe(
      'models/heat/kernels/step.wgsl',
    );
    expect(resolveArtifactPath('models/heat/model.yaml', './../shared/data.json')).toBe(
      'models/shared/data.json',
    );
  });

  it('refuses paths that leave the version or are absolute', () => {
    expect(resolveArtifactPath('model.yaml', '../secret')).toBeNull();
    expect(resolveArtifactPath('a/model.yaml', '../../secret')).toBeNull();
    expect(resolveArtifactPath('model.yaml', '/etc/passwd')).toBeNull();
    expect(resolveArtifactPath('model.yaml', 'a\\b')).toBeNull();
    expect(resolveArtifactPath('model.yaml', '.')).toBeNull();
  });
});
