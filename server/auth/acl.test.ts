import { describe, expect, it } from 'vitest';
import {
  DEFAULT_COMMAND_FILTER,
  createAcl,
  defaultAclConfig,
  parseAclConfig,
  type AclSubject,
} from './acl.ts';
import { AuthConfigError } from './authErrors.ts';
import type { TopicNarrowing } from './principal.ts';
import type { Role } from './roles.ts';

const who = (role: Role, topics: TopicNarrowing | null = null): AclSubject => ({
  subject: 'alice',
  role,
  topics,
});

const COMMANDS = 'twinbench/footbridge/commands';
const SENSOR = 'twinbench/footbridge/sensors/disp.z.L50';

function aclError(value: unknown): AuthConfigError {
  try {
    parseAclConfig(value);
  } catch (error) {
    if (error instanceof AuthConfigError) return error;
    throw error;
  }
  throw new Error(`expected an AuthConfigError for ${JSON.stringify(value)}`);
}

describe('default ACL', () => {
  const acl = createAcl();

  it.each([
    // [role, publish to the footbridge command topic]
    ['viewer', false],
    ['operator', true],
    ['author', true],
    ['admin', true],
  ] as const)('%s: receives every channel, publishes commands: %s', (role, publishes) => {
    expect(acl.canSubscribe(who(role), SENSOR)).toBe(true);
    expect(acl.canSubscribe(who(role), 'disp.z.L50')).toBe(true);
    expect(acl.canPublish(who(role), COMMANDS)).toBe(publishes);
    expect(acl.canPublish(who(role), `${COMMANDS}/setDamage`)).toBe(publishes);
  });

  it('lets no role publish outside the command topics', () => {
    for (const role of ['viewer', 'operator', 'author', 'admin'] as const) {
      expect(acl.canPublish(who(role), SENSOR)).toBe(false);
      expect(acl.canPublish(who(role), 'twinbench/commands')).toBe(false);
    }
  });

  it('does not hand out $-topics through the # of viewers', () => {
    expect(acl.canSubscribe(who('admin'), '$SYS/broker/clients')).toBe(false);
  });

  it('takes the command filter as a parameter', () => {
    const custom = createAcl(defaultAclConfig('plant/+/cmd'));
    expect(custom.canPublish(who('operator'), 'plant/7/cmd')).toBe(true);
    expect(custom.canPublish(who('operator'), COMMANDS)).toBe(false);
    expect(DEFAULT_COMMAND_FILTER).toBe('twinbench/+/commands/#');
    expect(() => defaultAclConfig('plant/#/cmd')).toThrow(
      `acl.operator.publish[0]: "plant/#/cmd" is not a valid filter: '#' must be last`,
    );
  });

  it('refuses wildcard and empty topic names rather than matching them as filters', () => {
    expect(acl.canPublish(who('admin'), 'twinbench/+/commands')).toBe(false);
    expect(acl.canPublish(who('admin'), 'twinbench/footbridge/commands/#')).toBe(false);
    expect(acl.canSubscribe(who('admin'), '#')).toBe(false);
    expect(acl.canSubscribe(who('admin'), '')).toBe(false);
    const verdict = acl.check(who('admin'), 'publish', 'twinbench/+/commands');
    expect(verdict).toMatchObject({ ok: false, reason: 'forbidden' });
  });
});

describe('inheritance', () => {
  const acl = createAcl({
    viewer: { subscribe: ['public/#'], publish: [] },
    operator: { subscribe: ['ops/#'], publish: ['cmd/#'] },
    author: { subscribe: [], publish: ['models/#'] },
    admin: { subscribe: ['#'], publish: ['#'] },
  });

  it.each([
    // role, subscribe public, ops, secret; publish cmd, models, anything
    ['viewer', [true, false, false], [false, false, false]],
    ['operator', [true, true, false], [true, false, false]],
    ['author', [true, true, false], [true, true, false]],
    ['admin', [true, true, true], [true, true, true]],
  ] as const)('%s has its own rules and those of the roles below', (role, subs, pubs) => {
    const p = who(role);
    expect(['public/a', 'ops/a', 'secret/a'].map((t) => acl.canSubscribe(p, t))).toEqual(subs);
    expect(['cmd/a', 'models/a', 'x/y'].map((t) => acl.canPublish(p, t))).toEqual(pubs);
  });
});

describe('topics claim', () => {
  const acl = createAcl();

  it('narrows what the role allows', () => {
    const p = who('operator', {
      subscribe: ['twinbench/footbridge/#'],
      publish: ['twinbench/footbridge/commands'],
    });
    expect(acl.canSubscribe(p, SENSOR)).toBe(true);
    expect(acl.canSubscribe(p, 'twinbench/tower/sensors/t1')).toBe(false);
    expect(acl.canPublish(p, COMMANDS)).toBe(true);
    expect(acl.canPublish(p, 'twinbench/tower/commands')).toBe(false);
    expect(acl.canPublish(p, `${COMMANDS}/setDamage`)).toBe(false);
  });

  it('never widens: a viewer token claiming # still publishes nothing', () => {
    const p = who('viewer', { subscribe: ['#'], publish: ['#'] });
    expect(acl.canPublish(p, COMMANDS)).toBe(false);
    const operator = who('operator', { subscribe: null, publish: ['#'] });
    expect(acl.canPublish(operator, SENSOR)).toBe(false);
  });

  it('leaves a direction the claim does not name as the role has it', () => {
    const p = who('operator', { subscribe: ['twinbench/footbridge/sensors/+'], publish: null });
    expect(acl.canPublish(p, COMMANDS)).toBe(true);
    expect(acl.canSubscribe(p, 'disp.z.L50')).toBe(false);
  });

  it('allows nothing in a direction whose list is empty', () => {
    const p = who('admin', { subscribe: [], publish: [] });
    expect(acl.canSubscribe(p, SENSOR)).toBe(false);
    expect(acl.canPublish(p, COMMANDS)).toBe(false);
  });
});

describe('ACL verdicts', () => {
  const acl = createAcl();

  it('names the role that would be allowed', () => {
    expect(acl.check(who('viewer'), 'publish', COMMANDS)).toEqual({
      ok: false,
      reason: 'forbidden',
      message: `viewer "alice" may not publish to "${COMMANDS}": ask an admin for a token with role operator`,
    });
  });

  it('says when no role may do it', () => {
    const verdict = acl.check(who('admin'), 'publish', SENSOR);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.message).toContain('no role may publish to it on this relay');
  });

  it('blames the token when its topics claim is what refuses', () => {
    const p = who('operator', { subscribe: null, publish: ['twinbench/tower/#'] });
    const verdict = acl.check(p, 'publish', COMMANDS);
    expect(!verdict.ok && verdict.message).toContain(
      `limits publish to "twinbench/tower/#", which leaves out "${COMMANDS}"`,
    );
    expect(acl.check(who('operator'), 'publish', COMMANDS)).toEqual({ ok: true });
  });
});

describe('parseAclConfig', () => {
  it('fills in missing roles and directions with no filters of their own', () => {
    expect(parseAclConfig({ operator: { publish: ['cmd/#'] } })).toEqual({
      viewer: { subscribe: [], publish: [] },
      operator: { subscribe: [], publish: ['cmd/#'] },
      author: { subscribe: [], publish: [] },
      admin: { subscribe: [], publish: [] },
    });
  });

  it('names the bad field', () => {
    expect(aclError({ operator: { publish: ['a', 'b', 'a/#/b'] } }).message).toBe(
      `acl.operator.publish[2]: "a/#/b" is not a valid filter: '#' must be last`,
    );
    expect(aclError({ viewer: { subscribe: ['ok', ''] } }).message).toContain(
      'acl.viewer.subscribe[1]: "" is not a valid filter: it is empty',
    );
    expect(aclError({ root: {} }).message).toBe(
      'acl.root is not a role: use viewer, operator, author, admin',
    );
    expect(aclError({ author: { write: [] } }).message).toBe(
      'acl.author.write is not a setting: use "subscribe" and "publish"',
    );
    expect(aclError({ admin: ['#'] }).message).toContain('acl.admin must be an object');
    expect(aclError({ admin: { publish: '#' } }).message).toContain(
      'acl.admin.publish must be an array',
    );
    expect(aclError(null).message).toContain('acl must be an object');
    expect(aclError({ viewer: { subscribe: [1] } })).toMatchObject({ reason: 'invalid_acl' });
  });

  it('checks a hand-built config when the ACL is created', () => {
    const bad = { ...defaultAclConfig(), admin: { subscribe: ['x+'], publish: [] } };
    expect(() => createAcl(bad)).toThrow(AuthConfigError);
  });
});
