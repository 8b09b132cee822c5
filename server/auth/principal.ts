import type { Role } from './roles.ts';

/**
 * Filters from a token's `topics` claim. They narrow what the role allows (a topic must pass
 * both), so a token can never reach further than its role. null leaves that direction as the
 * role has it.
 */
export interface TopicNarrowing {
  readonly subscribe: readonly string[] | null;
  readonly publish: readonly string[] | null;
}

/** Who a connection is, once authenticated. Plain data: it may be logged or sent to workers. */
export interface Principal {
  /** The token's `sub`, or `anonymous`. */
  readonly subject: string;
  readonly role: Role;
  /** When the token stops being valid, in ms since the Unix epoch; null for anonymous access. */
  readonly expiresAt: number | null;
  readonly topics: TopicNarrowing | null;
  /** True when no token was checked (loopback without keys). */
  readonly anonymous: boolean;
}

export function anonymousPrincipal(role: Role): Principal {
  return { subject: 'anonymous', role, expiresAt: null, topics: null, anonymous: true };
}
