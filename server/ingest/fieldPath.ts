/**
 * Field paths into decoded payloads, compiled once into accessors. A path is a dot path
 * (`meta.device`, `acc.0`) or, starting with `/`, a JSON pointer (RFC 6901: `/meta/device`,
 * `/a~1b` for the key `a/b`, `` for the whole payload).
 *
 * Accessors read own keys only: decoded payloads come from devices, and a key such as
 * `__proto__` or `constructor` must name the device's data, not walk into Object.prototype.
 */

export type FieldAccessor = (root: unknown) => unknown;

export type FieldPathParse =
  | { readonly ok: true; readonly segments: readonly string[] }
  | { readonly ok: false; readonly message: string };

export function parseFieldPath(path: string): FieldPathParse {
  if (path === '') return { ok: true, segments: [] };
  if (path.startsWith('/')) {
    const segments: string[] = [];
    for (const raw of path.slice(1).split('/')) {
      if (/~[^01]|~$/.test(raw)) {
        return {
          ok: false,
          message: `\`${path}\` is not a JSON pointer: \`~\` must be followed by 0 (for ~) or 1 (for /)`,
        };
      }
      segments.push(raw.replaceAll('~1', '/').replaceAll('~0', '~'));
    }
    return { ok: true, segments };
  }
  const segments = path.split('.');
  if (segments.some((segment) => segment === '')) {
    return {
      ok: false,
      message: `\`${path}\` has an empty segment — write \`a.b.c\`, or a JSON pointer such as \`/a/b.c\` for keys with dots`,
    };
  }
  return { ok: true, segments };
}

const arrayIndex = /^(?:0|[1-9]\d{0,8})$/;

function step(node: unknown, key: string, index: number): unknown {
  if (typeof node !== 'object' || node === null) return undefined;
  if (Array.isArray(node)) return index >= 0 && index < node.length ? node[index] : undefined;
  return Object.hasOwn(node, key) ? (node as Record<string, unknown>)[key] : undefined;
}

/** An accessor for parsed segments; undefined comes back for anything absent. */
export function compileAccessor(segments: readonly string[]): FieldAccessor {
  const keys = [...segments];
  // Array positions are parsed once here, not per message; -1 means "not an index".
  const indexes = keys.map((key) => (arrayIndex.test(key) ? Number(key) : -1));
  const [k0 = '', k1 = ''] = keys;
  const [i0 = -1, i1 = -1] = indexes;
  // Most paths are one or two keys deep; those get accessors without a loop.
  switch (keys.length) {
    case 0:
      return (root) => root;
    case 1:
      return (root) => step(root, k0, i0);
    case 2:
      return (root) => step(step(root, k0, i0), k1, i1);
    default:
      return (root) => {
        let node = root;
        for (let i = 0; i < keys.length && node !== undefined; i++) {
          node = step(node, keys[i] as string, indexes[i] as number);
        }
        return node;
      };
  }
}
