/**
 * Who may do what on the relay, coarsely: four roles in order of increasing rights. Each role has
 * the rights of every role before it, so checks compare positions rather than list roles.
 */
export const ROLES = ['viewer', 'operator', 'author', 'admin'] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` has at least the rights of `minimum` (`roleAtLeast('admin', 'operator')`). */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

/** The roles whose rights `role` includes, lowest first: `operator` → viewer, operator. */
export function rolesUpTo(role: Role): readonly Role[] {
  return ROLES.slice(0, ROLES.indexOf(role) + 1);
}
