import { describe, expect, it } from 'vitest';
import {
  modelNameProblem,
  parseRegistryRef,
  suggestModelName,
  suggestNextVersion,
  versionProblem,
} from './registryNames.ts';

describe('registry names in the portal', () => {
  it('accepts the names the server accepts and says what to use otherwise', () => {
    expect(modelNameProblem('pid-plant-e2e')).toBeNull();
    expect(modelNameProblem('a')).toBeNull();
    expect(modelNameProblem('heat.plate_2')).toBeNull();
    expect(modelNameProblem('PID')).toMatch(/lowercase letters/);
    expect(modelNameProblem('-pid')).toMatch(/starting and ending/);
    expect(modelNameProblem('pid-')).not.toBeNull();
    expect(modelNameProblem('x'.repeat(65))).not.toBeNull();
    expect(modelNameProblem('x'.repeat(64))).toBeNull();
  });

  it('derives a valid name from a draft title, keeping a published model’s name', () => {
    expect(suggestModelName('PID plant')).toBe('pid-plant');
    expect(suggestModelName('  Heat plate (16×16) ')).toBe('heat-plate-16-16');
    expect(suggestModelName('Müller’s model!')).toBe('muller-s-model');
    expect(suggestModelName('pid-plant-e2e@1.0.0')).toBe('pid-plant-e2e');
    expect(suggestModelName('???')).toBe('model');
    for (const title of ['PID plant', 'Heat plate (16×16)', '-x-', 'y'.repeat(100)])
      expect(modelNameProblem(suggestModelName(title))).toBeNull();
  });

  it('suggests the next version from the highest published one', () => {
    expect(suggestNextVersion([])).toBe('1.0.0');
    expect(suggestNextVersion(['1.0.0'])).toBe('1.0.1');
    expect(suggestNextVersion(['1.0.0', '1.10.0', '1.9.3'])).toBe('1.10.1');
    expect(suggestNextVersion(['1.4.0', '2.0.0-rc.1'])).toBe('2.0.0');
    expect(suggestNextVersion(['2.0.0-rc.1', '2.0.0'])).toBe('2.0.1');
  });

  it('refuses versions that are not semver or already published', () => {
    expect(versionProblem('1.0.1', ['1.0.0'])).toBeNull();
    expect(versionProblem('1.0.0', ['1.0.0'])).toMatch(/already published/);
    expect(versionProblem('v1.0.0', [])).toMatch(/leading "v"/);
    expect(versionProblem('1.0', [])).toMatch(/MAJOR\.MINOR\.PATCH/);
  });

  it('reads name@version and name@alias from the address', () => {
    expect(parseRegistryRef('pid-plant-e2e@1.0.0')).toEqual({
      name: 'pid-plant-e2e',
      ref: '1.0.0',
    });
    expect(parseRegistryRef('pid-plant@stable')).toEqual({ name: 'pid-plant', ref: 'stable' });
    expect(parseRegistryRef('pid-plant')).toEqual({ name: 'pid-plant', ref: 'latest' });
    expect(parseRegistryRef('PID@1.0.0')).toBeNull();
    expect(parseRegistryRef('pid@')).toBeNull();
  });
});
