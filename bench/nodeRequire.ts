/**
 * tfjs-core's Node build is CommonJS and require()s Node built-ins ('util', 'crypto') as it
 * starts. Bundled by esbuild into one ES module — how this bench travels to a GPU machine —
 * those calls go through a shim that throws `Dynamic require of "util" is not supported` unless
 * a global `require` exists; this provides one. Import it before tfjs. Under tsx, Node's own
 * CommonJS loader runs tfjs and this global goes unused.
 */
import { createRequire } from 'node:module';

const global = globalThis as { require?: NodeJS.Require };
global.require ??= createRequire(import.meta.url);
