import { describe, expect, it } from 'vitest';
import { REGISTRY_MIGRATIONS } from './schema.ts';

describe('REGISTRY_MIGRATIONS', () => {
  it('are numbered 1, 2, 3… with distinct names', () => {
    expect(REGISTRY_MIGRATIONS.map((migration) => migration.version)).toEqual(
      REGISTRY_MIGRATIONS.map((_, i) => i + 1),
    );
    const names = new Set(REGISTRY_MIGRATIONS.map((migration) => migration.name));
    expect(names.size).toBe(REGISTRY_MIGRATIONS.length);
  });

  it('hold one statement per entry (both drivers run one statement per query)', () => {
    for (const migration of REGISTRY_MIGRATIONS) {
      for (const statement of migration.statements) {
        // A ";" outside a dollar-quoted function body would mean two statements.
        expect(statement.replace(/\$\$[\s\S]*?\$\$/g, '')).not.toContain(';');
      }
    }
  });
});
