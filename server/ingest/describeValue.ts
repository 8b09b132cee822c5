/** A short description of a decoded value for dead-letter messages: `the text "abc"`, `an array of 3`. */
export function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case 'string':
      return `the text ${JSON.stringify(value.slice(0, 64))}`;
    case 'number':
      return String(value);
    case 'bigint':
      return `the big integer ${value}`;
    case 'boolean':
      return String(value);
    case 'object':
      return ArrayBuffer.isView(value) ? `a ${value.constructor.name}` : 'an object';
    default:
      return `a ${typeof value}`;
  }
}
