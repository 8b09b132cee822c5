import { describe, expect, it } from 'vitest';
import { ROLES, isRole, roleAtLeast, rolesUpTo } from './roles.ts';

describe('roles', () => {
  it('orders viewer < operator < author < admin, each including the ones before', () => {
    expect(ROLES).toEqual(['viewer', 'operator', 'author', 'admin']);
    expect(roleAtLeast('admin', 'viewer')).toBe(true);
    expect(roleAtLeast('operator', 'operator')).toBe(true);
    expect(roleAtLeast('operator', 'author')).toBe(false);
    expect(roleAtLeast('viewer', 'operator')).toBe(false);
    expect(rolesUpTo('viewer')).toEqual(['viewer']);
    expect(rolesUpTo('author')).toEqual(['viewer', 'operator', 'author']);
  });

  it('recognises only the four role names, exactly', () => {
    expect(ROLES.every(isRole)).toBe(true);
    expect(['Admin', 'root', '', undefined, 1, ['viewer']].some(isRole)).toBe(false);
  });
});
