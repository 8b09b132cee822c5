/**
 * The registry's HTTP API under `/api/registry/` (src/protocol/registry.ts has every body;
 * openapi.json documents it; docs/registry.md explains it). Reads need the viewer role, publishing
 * the author role, moving `stable` or `latest` and rotating a model's key the admin role, and
 * logging a fit or shadow deployment the operator role. Nothing a client sends can crash the
 * server: every failure becomes a 4xx with a message, or a logged 500.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  parseAppendRunRequest,
  parseMoveAliasRequest,
  parsePublishRequest,
  parseRecordTestResultsRequest,
  parseRotateKeyRequest,
  REGISTRY_BASE_PATH,
  REGISTRY_LIMITS,
  type AliasHistoryResponse,
  type LogKeyResponse,
  type ModelInfo,
  type ModelListResponse,
  type TestResultsResponse,
  type VersionListResponse,
} from '../../../src/protocol/registry.ts';
import { toBase64 } from '../../../src/shared/merkle/bytes.ts';
import { formatVerifierKey } from '../../../src/shared/merkle/logPublicKey.ts';
import { publicKeyFromBase64 } from '../../../src/shared/signing/modelSignature.ts';
import type { Principal } from '../../auth/principal.ts';
import { roleAtLeast, type Role } from '../../auth/roles.ts';
import type { TokenRequest } from '../../auth/tokenFromRequest.ts';
import type { Logger } from '../../logger.ts';
import type { RunLog } from '../../runlog/index.ts';
import { readVerifiedArtifact } from '../artifactReads.ts';
import {
  aliasHistory,
  bindSigningKey,
  currentSigningKey,
  getAlias,
  getModel,
  listAliases,
  listModels,
  listTestResults,
  listVersions,
  parseSemver,
  recordTestResults,
  resolveVersion,
  setAlias,
  type ModelRecord,
  type RegistryDb,
} from '../db/index.ts';
import { publishModelVersion } from '../publish.ts';
import { RegistryRequestError } from '../registryRequestError.ts';
import { aliasJson, signingKeyJson, testResultJson, versionSummaryJson } from '../registryViews.ts';
import { describeManifest, describeVersion } from '../versionDetail.ts';
import { toRequestError } from './httpErrors.ts';
import { readJson, sendBody, sendError, sendJson } from './httpIo.ts';
import { loadOpenApiDocument } from './openApiDocument.ts';
import { matchRoute, type Route, type RouteRequest } from './routeTable.ts';

export interface RegistryRoutesOptions {
  readonly db: RegistryDb;
  readonly log: RunLog;
  /** Who sent a request (the relay's token check: createRelayAuth(...).authenticate). */
  readonly authenticate: (req: TokenRequest) => Promise<Principal>;
  readonly logger: Logger;
  /** Milliseconds since 1970 for run log entries; default `Date.now`. */
  readonly now?: () => number;
}

export interface RegistryRoutes {
  /** Answers a request under `/api/registry/` and returns true; false for any other path. */
  readonly handle: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Every route, as the OpenAPI document must list them. */
  readonly routes: readonly Route[];
}

const ALIASES_ONLY_ADMINS_MOVE = new Set(['stable', 'latest']);

/** The workbench's own models (the footbridge, the examples): logged by the digest of what ran. */
const BUILTIN_MODEL = /^builtin\/[a-z0-9][a-z0-9-]{0,62}$/;

function builtinVersion(version: string): string {
  if (!/^sha256:[0-9a-f]{64}$/.test(version))
    throw new RegistryRequestError(
      400,
      'bad_request',
      `a built-in model is logged at the digest of what ran, "sha256:" and 64 lower-case hex digits, not "${version}".`,
    );
  return version;
}

function forbidden(principal: Principal, needed: Role, what: string): RegistryRequestError {
  const fix = principal.anonymous
    ? `The server lets anonymous clients in as ${principal.role} (no token key, loopback): set TWINBENCH_ANONYMOUS_ROLE=${needed} for local development, or configure tokens.`
    : 'Ask an admin for a token with that role.';
  return new RegistryRequestError(
    403,
    'forbidden',
    `${what} needs the ${needed} role; ${principal.subject} has ${principal.role}. ${fix}`,
  );
}

function requireRole(principal: Principal, needed: Role, what: string): void {
  if (!roleAtLeast(principal.role, needed)) throw forbidden(principal, needed, what);
}

function wholeNumber(query: URLSearchParams, name: string): number {
  const raw = query.get(name);
  const value = raw !== null && /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value)) {
    throw new RegistryRequestError(
      400,
      'bad_request',
      `query parameter ${name}=${JSON.stringify(raw)}: give a whole number ≥ 0.`,
    );
  }
  return value;
}

function indexParam(raw: string): number {
  if (!/^\d{1,15}$/.test(raw)) {
    throw new RegistryRequestError(
      400,
      'bad_request',
      `run log index ${JSON.stringify(raw)}: give a whole number ≥ 0.`,
    );
  }
  return Number(raw);
}

/**
 * The registry's routes on `options.db` and `options.log`.
 *
 * @example
 * const registry = createRegistryRoutes({ db, log, authenticate: auth.authenticate, logger });
 * createServer((req, res) => registry.handle(req, res) || staticHandler(req, res));
 */
export function createRegistryRoutes(options: RegistryRoutesOptions): RegistryRoutes {
  const { db, log, logger } = options;
  const openApi = loadOpenApiDocument();

  const who = async (req: IncomingMessage, needed: Role, what: string) => {
    const principal = await options.authenticate(req);
    requireRole(principal, needed, what);
    return principal;
  };

  const modelListItem = async (model: ModelRecord) => {
    const aliases = await listAliases(db, model.name);
    const target = (name: string) => aliases.find((alias) => alias.alias === name)?.version ?? null;
    return {
      name: model.name,
      owner: model.owner,
      description: model.description,
      createdAt: model.createdAt.toISOString(),
      latest: target('latest'),
      stable: target('stable'),
    };
  };

  /** Authors may change their own models (they hold its key or own it); admins any. */
  const requireModelAuthor = async (principal: Principal, model: string, what: string) => {
    requireRole(principal, 'author', what);
    if (roleAtLeast(principal.role, 'admin')) return;
    const [record, key] = [await getModel(db, model), await currentSigningKey(db, model)];
    if (record.owner !== principal.subject && key?.principal !== principal.subject) {
      throw new RegistryRequestError(
        403,
        'forbidden',
        `${what}: model "${model}" belongs to ${key?.principal ?? record.owner}, not ${principal.subject}; ask them or an admin.`,
      );
    }
  };

  const routes: Route[] = [
    {
      method: 'GET',
      path: '/openapi.json',
      handle: ({ res }) =>
        Promise.resolve(
          sendBody(res, 200, openApi, {
            'Content-Type': 'application/json; charset=utf-8',
            'Cache-Control': 'no-cache',
          }),
        ),
    },
    {
      method: 'GET',
      path: '/models',
      handle: async ({ req, res }) => {
        await who(req, 'viewer', 'listing models');
        const models = await listModels(db);
        const body: ModelListResponse = { models: await Promise.all(models.map(modelListItem)) };
        sendJson(res, 200, body);
      },
    },
    {
      method: 'GET',
      path: '/models/{model}',
      handle: async ({ req, res, params }) => {
        await who(req, 'viewer', 'reading a model');
        const model = await getModel(db, params.model!);
        const key = await currentSigningKey(db, model.name);
        const body: ModelInfo = {
          ...(await modelListItem(model)),
          aliases: (await listAliases(db, model.name)).map(aliasJson),
          signingKey: key === null ? null : await signingKeyJson(key),
        };
        sendJson(res, 200, body);
      },
    },
    {
      method: 'GET',
      path: '/models/{model}/versions',
      handle: async ({ req, res, params }) => {
        await who(req, 'viewer', 'listing versions');
        const versions = await listVersions(db, params.model!);
        const body: VersionListResponse = {
          model: params.model!,
          versions: await Promise.all(versions.map(versionSummaryJson)),
        };
        sendJson(res, 200, body);
      },
    },
    {
      method: 'POST',
      path: '/models/{model}/versions',
      handle: async ({ req, res, params }) => {
        const principal = await who(req, 'author', 'publishing a version');
        const request = parsePublishRequest(await readJson(req, REGISTRY_LIMITS.publishBodyBytes));
        const published = await publishModelVersion(
          { db, log, logger, ...(options.now === undefined ? {} : { now: options.now }) },
          principal,
          params.model!,
          request,
        );
        logger.info(`${principal.subject} published ${params.model} ${request.version}`, {
          model: params.model,
          version: request.version,
          contentDigest: request.contentDigest,
        });
        sendJson(res, 201, published);
      },
    },
    {
      method: 'GET',
      path: '/models/{model}/versions/{ref}',
      handle: async ({ req, res, params }) => {
        await who(req, 'viewer', 'reading a version');
        sendJson(res, 200, await describeVersion(db, params.model!, params.ref!));
      },
    },
    {
      method: 'GET',
      path: '/models/{model}/manifest',
      handle: async ({ req, res, params, query }) => {
        await who(req, 'viewer', 'reading a manifest');
        const ref = query.get('version') ?? 'latest';
        sendJson(res, 200, await describeManifest(db, params.model!, ref));
      },
    },
    {
      method: 'GET',
      path: '/models/{model}/versions/{ref}/tests',
      handle: async ({ req, res, params }) => {
        await who(req, 'viewer', 'reading test results');
        const { version } = await resolveVersion(db, params.model!, params.ref!);
        const body: TestResultsResponse = {
          model: params.model!,
          version,
          results: (await listTestResults(db, params.model!, version)).map(testResultJson),
        };
        sendJson(res, 200, body);
      },
    },
    {
      method: 'POST',
      path: '/models/{model}/versions/{ref}/tests',
      handle: async ({ req, res, params }) => {
        const principal = await who(req, 'author', 'recording test results');
        const model = params.model!;
        parseSemver(params.ref!);
        await requireModelAuthor(principal, model, 'recording test results');
        const { results } = parseRecordTestResultsRequest(
          await readJson(req, REGISTRY_LIMITS.jsonBodyBytes),
        );
        if (results.length > REGISTRY_LIMITS.testResultsPerRequest) {
          throw new RegistryRequestError(
            413,
            'too_large',
            `${results.length} results in one request; send at most ${REGISTRY_LIMITS.testResultsPerRequest} at a time.`,
          );
        }
        const recorded = await recordTestResults(db, model, params.ref!, results);
        const body: TestResultsResponse = {
          model,
          version: params.ref!,
          results: recorded.map(testResultJson),
        };
        sendJson(res, 201, body);
      },
    },
    {
      method: 'GET',
      path: '/models/{model}/aliases',
      handle: async ({ req, res, params }) => {
        await who(req, 'viewer', 'listing aliases');
        sendJson(res, 200, { aliases: (await listAliases(db, params.model!)).map(aliasJson) });
      },
    },
    {
      method: 'GET',
      path: '/models/{model}/aliases/{alias}',
      handle: async ({ req, res, params }) => {
        await who(req, 'viewer', 'reading an alias');
        sendJson(res, 200, aliasJson(await getAlias(db, params.model!, params.alias!)));
      },
    },
    {
      method: 'PUT',
      path: '/models/{model}/aliases/{alias}',
      handle: async ({ req, res, params }) => {
        const alias = params.alias!;
        const model = params.model!;
        const what = `moving "${alias}"`;
        const principal = await options.authenticate(req);
        if (ALIASES_ONLY_ADMINS_MOVE.has(alias)) requireRole(principal, 'admin', what);
        else await requireModelAuthor(principal, model, what);
        const { version } = parseMoveAliasRequest(
          await readJson(req, REGISTRY_LIMITS.jsonBodyBytes),
        );
        const moved = await setAlias(db, { model, alias, version, movedBy: principal.subject });
        logger.info(`${principal.subject} moved ${model}@${alias} to ${moved.version}`, {
          model,
          alias,
          from: moved.previous,
          to: moved.version,
        });
        sendJson(res, 200, { alias: aliasJson(moved), previous: moved.previous });
      },
    },
    {
      method: 'GET',
      path: '/models/{model}/aliases/{alias}/history',
      handle: async ({ req, res, params }) => {
        await who(req, 'viewer', 'reading an alias history');
        const moves = await aliasHistory(db, params.model!, params.alias!);
        const body: AliasHistoryResponse = {
          model: params.model!,
          alias: params.alias!,
          moves: moves.map((move) => ({
            from: move.from,
            to: move.to,
            movedBy: move.movedBy,
            movedAt: move.movedAt.toISOString(),
          })),
        };
        sendJson(res, 200, body);
      },
    },
    {
      method: 'PUT',
      path: '/models/{model}/signing-key',
      handle: async ({ req, res, params }) => {
        const principal = await who(req, 'admin', "rotating a model's signing key");
        const request = parseRotateKeyRequest(await readJson(req, REGISTRY_LIMITS.jsonBodyBytes));
        const key = await bindSigningKey(db, {
          model: params.model!,
          publicKey: publicKeyFromBase64(request.publicKey),
          principal: request.principal,
          boundBy: principal.subject,
        });
        logger.warn(
          `${principal.subject} rotated the signing key of ${params.model} to ${request.principal}`,
          { model: params.model },
        );
        sendJson(res, 200, await signingKeyJson(key));
      },
    },
    {
      method: 'GET',
      path: '/artifacts/{digest}',
      handle: async ({ req, res, params }) => {
        await who(req, 'viewer', 'fetching artifacts');
        const bytes = await readVerifiedArtifact(db, params.digest!);
        const digest = params.digest!.startsWith('sha256:')
          ? params.digest!
          : `sha256:${params.digest}`;
        sendBody(res, 200, bytes, {
          'Content-Type': 'application/octet-stream',
          'Cache-Control': 'private, max-age=31536000, immutable',
          ETag: `"${digest}"`,
        });
      },
    },
    {
      method: 'GET',
      path: '/log/key',
      handle: async ({ req, res }) => {
        await who(req, 'viewer', "reading the run log's key");
        const body: LogKeyResponse = {
          origin: log.origin,
          keys: log.publicKeys,
          verifierKeys: await Promise.all(log.publicKeys.map(formatVerifierKey)),
        };
        sendJson(res, 200, body);
      },
    },
    {
      method: 'GET',
      path: '/log/checkpoint',
      handle: async ({ req, res }) => {
        await who(req, 'viewer', 'reading the run log');
        sendBody(res, 200, await log.checkpoint(), {
          'Content-Type': 'text/plain; charset=utf-8',
          'Cache-Control': 'no-store',
        });
      },
    },
    {
      method: 'GET',
      path: '/log/entries/{index}',
      handle: async ({ req, res, params }) => {
        await who(req, 'viewer', 'reading the run log');
        const entry = await log.entry(indexParam(params.index!));
        sendJson(res, 200, {
          index: entry.index,
          leafHash: entry.leafHash,
          bytes: toBase64(entry.bytes),
        });
      },
    },
    {
      method: 'POST',
      path: '/log/entries',
      handle: async ({ req, res }) => {
        const principal = await who(req, 'operator', 'logging a fit or shadow deployment');
        const run = parseAppendRunRequest(await readJson(req, REGISTRY_LIMITS.jsonBodyBytes));
        // The run must name a published version, or a built-in model at the digest of what ran:
        // the log records what ran, exactly.
        const version = BUILTIN_MODEL.test(run.model.id)
          ? builtinVersion(run.model.version)
          : (await resolveVersion(db, run.model.id, run.model.version)).version;
        if (version !== run.model.version) {
          throw new RegistryRequestError(
            400,
            'bad_request',
            `model.version must be an exact version, not the alias "${run.model.version}" (it points at ${version} now): log the version that ran.`,
          );
        }
        const appended = await log.append({
          v: 1,
          ...run,
          who: principal.subject,
          when: new Date((options.now ?? Date.now)()).toISOString(),
        });
        const stored = await log.entry(appended.index);
        logger.info(`${principal.subject} logged a ${run.kind} of ${run.model.id} ${version}`, {
          index: appended.index,
        });
        sendJson(res, 201, {
          index: stored.index,
          leafHash: stored.leafHash,
          bytes: toBase64(stored.bytes),
        });
      },
    },
    {
      method: 'GET',
      path: '/log/proofs/inclusion',
      handle: async ({ req, res, query }) => {
        await who(req, 'viewer', 'reading the run log');
        const proof = await log.inclusionProof(
          wholeNumber(query, 'index'),
          wholeNumber(query, 'treeSize'),
        );
        sendJson(res, 200, proof);
      },
    },
    {
      method: 'GET',
      path: '/log/proofs/consistency',
      handle: async ({ req, res, query }) => {
        await who(req, 'viewer', 'reading the run log');
        const proof = await log.consistencyProof(
          wholeNumber(query, 'from'),
          wholeNumber(query, 'to'),
        );
        sendJson(res, 200, proof);
      },
    },
    {
      method: 'GET',
      path: '/log/audit',
      handle: async ({ req, res }) => {
        await who(req, 'admin', 'auditing the run log');
        const report = await log.audit();
        if (!report.ok) {
          logger.error(`run log audit found ${report.problemCount} problem(s)`, {
            problems: report.problems.map((problem) => problem.message),
          });
        }
        sendJson(res, 200, report);
      },
    },
  ];

  const prefix = `${REGISTRY_BASE_PATH}/`;
  const handle = (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://registry.invalid');
    if (url.pathname !== REGISTRY_BASE_PATH && !url.pathname.startsWith(prefix)) return false;
    const path = url.pathname.slice(REGISTRY_BASE_PATH.length);
    const match = matchRoute(routes, req.method ?? 'GET', path);
    if (match.kind === 'none') {
      sendError(
        res,
        new RegistryRequestError(
          404,
          'no_such_route',
          `${req.method} ${url.pathname} is not a registry route: see ${REGISTRY_BASE_PATH}/openapi.json for the routes.`,
        ),
      );
      return true;
    }
    if (match.kind === 'wrong_method') {
      sendError(
        res,
        new RegistryRequestError(
          405,
          'method_not_allowed',
          `${url.pathname} answers ${match.allowed.join(', ')}, not ${req.method}.`,
        ),
        { Allow: match.allowed.join(', ') },
      );
      return true;
    }
    const request: RouteRequest = { req, res, params: match.params, query: url.searchParams };
    match.route.handle(request).catch((error: unknown) => {
      const refusal = toRequestError(error);
      if (refusal !== null) {
        if (refusal.status >= 500)
          logger.error(`${req.method} ${url.pathname}: ${refusal.message}`);
        sendError(res, refusal);
        return;
      }
      logger.error(
        `${req.method} ${url.pathname} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      sendError(
        res,
        new RegistryRequestError(
          500,
          'internal',
          `the registry failed while answering ${req.method} ${url.pathname}; the server log has the details. Try again, and report it if it persists.`,
        ),
      );
    });
    return true;
  };

  return { handle, routes };
}
