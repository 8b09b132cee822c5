/**
 * Per-role topic access: which channels a client may receive (`subscribe`) and which command
 * topics it may publish to (`publish`), as MQTT topic filters. A role has its own filters plus
 * those of every role below it; a token's `topics` claim can only narrow that.
 */
import { AuthConfigError } from './authErrors.ts';
import type { Principal } from './principal.ts';
import { ROLES, isRole, rolesUpTo, type Role } from './roles.ts';
import { filterListProblem, isValidTopic, topicFilterMatches } from './topicFilter.ts';

export interface AclRules {
  /** Filters for the channels (or their source topics) a client may receive. */
  readonly subscribe: readonly string[];
  /** Filters for the topics a client may publish commands to. */
  readonly publish: readonly string[];
}

/** Each role's own filters; the rules of lower roles are added when the ACL is built. */
export type AclConfig = { readonly [R in Role]: AclRules };

export type AclAction = keyof AclRules;

/** The command topics operators may publish to by default. */
export const DEFAULT_COMMAND_FILTER = 'twinbench/+/commands/#';

export type AclVerdict =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: 'forbidden'; readonly message: string };

/** What an ACL check needs to know about who is asking. */
export type AclSubject = Pick<Principal, 'subject' | 'role' | 'topics'>;

export interface Acl {
  /** Whether the client may receive a channel; pass its MQTT source topic when it has one. */
  canSubscribe(principal: AclSubject, channelOrTopic: string): boolean;
  canPublish(principal: AclSubject, topic: string): boolean;
  /** Like canSubscribe/canPublish, with a sentence for the client when the answer is no. */
  check(principal: AclSubject, action: AclAction, topic: string): AclVerdict;
}

const NO_RULES: AclRules = { subscribe: [], publish: [] };

/**
 * Viewers receive every channel and publish nothing; operators also publish to `commandFilter`;
 * authors and admins have what operators have.
 */
export function defaultAclConfig(commandFilter: string = DEFAULT_COMMAND_FILTER): AclConfig {
  return parseAclConfig(
    {
      viewer: { subscribe: ['#'], publish: [] },
      operator: { subscribe: [], publish: [commandFilter] },
    },
    'acl',
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function invalid(message: string): AuthConfigError {
  return new AuthConfigError('invalid_acl', message);
}

/**
 * Checks an ACL read from a file or built by hand and fills in what is left out (a role or a
 * direction that is missing has no filters of its own). Throws an AuthConfigError naming the bad
 * field, e.g. `acl.operator.publish[2]: "a/#/b" is not a valid filter: '#' must be last`.
 */
export function parseAclConfig(value: unknown, path = 'acl'): AclConfig {
  if (!isRecord(value)) {
    throw invalid(
      `${path} must be an object with a key per role (${ROLES.join(', ')}), each { subscribe: [...], publish: [...] }`,
    );
  }
  for (const key of Object.keys(value)) {
    if (!isRole(key)) {
      throw invalid(`${path}.${key} is not a role: use ${ROLES.join(', ')}`);
    }
  }
  const rules = (role: Role): AclRules => {
    const entry = value[role];
    if (entry === undefined) return NO_RULES;
    const at = `${path}.${role}`;
    if (!isRecord(entry)) {
      throw invalid(`${at} must be an object { subscribe: [...], publish: [...] }`);
    }
    for (const key of Object.keys(entry)) {
      if (key !== 'subscribe' && key !== 'publish') {
        throw invalid(`${at}.${key} is not a setting: use "subscribe" and "publish"`);
      }
    }
    const list = (action: AclAction): readonly string[] => {
      if (entry[action] === undefined) return [];
      const problem = filterListProblem(entry[action], `${at}.${action}`);
      if (problem !== null) throw invalid(problem);
      return [...(entry[action] as string[])];
    };
    return { subscribe: list('subscribe'), publish: list('publish') };
  };
  return {
    viewer: rules('viewer'),
    operator: rules('operator'),
    author: rules('author'),
    admin: rules('admin'),
  };
}

function describeFilters(filters: readonly string[]): string {
  return filters.length === 0 ? 'nothing' : filters.map((f) => JSON.stringify(f)).join(', ');
}

/**
 * Builds the ACL, checking `config` first (throws AuthConfigError as parseAclConfig does).
 *
 * @example createAcl().canPublish(principal, 'twinbench/footbridge/commands')
 */
export function createAcl(config: AclConfig = defaultAclConfig()): Acl {
  const own = parseAclConfig(config);
  const effective = new Map<Role, AclRules>(
    ROLES.map((role) => {
      const below = rolesUpTo(role).map((r) => own[r]);
      return [
        role,
        {
          subscribe: [...new Set(below.flatMap((r) => r.subscribe))],
          publish: [...new Set(below.flatMap((r) => r.publish))],
        },
      ];
    }),
  );
  const roleAllows = (role: Role, action: AclAction, topic: string) =>
    (effective.get(role)?.[action] ?? []).some((filter) => topicFilterMatches(filter, topic));

  const verb = (action: AclAction) => (action === 'subscribe' ? 'receive' : 'publish to');

  const check = (principal: AclSubject, action: AclAction, topic: string): AclVerdict => {
    const who = `${principal.role} "${principal.subject}"`;
    if (!isValidTopic(topic)) {
      return {
        ok: false,
        reason: 'forbidden',
        message: `${JSON.stringify(topic)} is not a topic name: name one topic, without '+' or '#'`,
      };
    }
    if (!roleAllows(principal.role, action, topic)) {
      const enough = ROLES.find((role) => roleAllows(role, action, topic));
      const fix =
        enough === undefined
          ? `no role may ${verb(action)} it on this relay: check the name, or ask an admin to add it to the relay's ACL`
          : `ask an admin for a token with role ${enough}`;
      return {
        ok: false,
        reason: 'forbidden',
        message: `${who} may not ${verb(action)} ${JSON.stringify(topic)}: ${fix}`,
      };
    }
    const narrowing = principal.topics?.[action] ?? null;
    if (narrowing !== null && !narrowing.some((filter) => topicFilterMatches(filter, topic))) {
      return {
        ok: false,
        reason: 'forbidden',
        message: `the token of ${who} limits ${action} to ${describeFilters(narrowing)}, which leaves out ${JSON.stringify(topic)}: ask for a token whose "topics" claim includes it`,
      };
    }
    return { ok: true };
  };

  return {
    check,
    canSubscribe: (principal, channelOrTopic) => check(principal, 'subscribe', channelOrTopic).ok,
    canPublish: (principal, topic) => check(principal, 'publish', topic).ok,
  };
}
