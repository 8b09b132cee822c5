/**
 * Typed calls for every route of the model registry (src/protocol/registry.ts). Each response
 * is checked against the protocol before it is returned; refusals become RegistryClientErrors
 * carrying the server's reason and message. Plain TypeScript: React code wraps these calls in
 * @tanstack/react-query.
 */
import {
  parseAliasHistoryResponse,
  parseAliasList,
  parseAppendRunResponse,
  parseConsistencyProof,
  parseInclusionProof,
  parseLogEntryResponse,
  parseLogKeyResponse,
  parseManifestResponse,
  parseModelInfo,
  parseModelListResponse,
  parseMoveAliasResponse,
  parsePublishResponse,
  parseRegistryErrorBody,
  parseSigningKeyInfo,
  parseTestResultsResponse,
  parseVersionDetail,
  parseVersionListResponse,
  REGISTRY_API_HEADER,
  REGISTRY_API_VERSION,
  REGISTRY_BASE_PATH,
  RegistryProtocolError,
  type AliasHistoryResponse,
  type AliasInfo,
  type AppendRunRequest,
  type AppendRunResponse,
  type ConsistencyProofJson,
  type InclusionProofJson,
  type LogEntryResponse,
  type LogKeyResponse,
  type ManifestResponse,
  type ModelInfo,
  type ModelListResponse,
  type MoveAliasResponse,
  type PublishRequest,
  type PublishResponse,
  type RotateKeyRequest,
  type SigningKeyInfo,
  type TestResultInput,
  type TestResultsResponse,
  type VersionDetail,
  type VersionListResponse,
} from '../protocol/registry.ts';
import { artifactDigest } from '../shared/signing/modelContent.ts';
import { RegistryClientError } from './registryClientError.ts';

/** A token, none (anonymous access), or a function asked before each call (for refreshing). */
export type RegistryToken = string | null | (() => string | null);

export interface RegistryClientOptions {
  /** Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
}

export interface RegistryClient {
  /** The server's origin the client was made for, e.g. `http://localhost:8080/`. */
  readonly baseUrl: string;
  listModels(): Promise<ModelListResponse>;
  getModel(model: string): Promise<ModelInfo>;
  listVersions(model: string): Promise<VersionListResponse>;
  /** A version by exact version or alias. */
  getVersion(model: string, ref: string): Promise<VersionDetail>;
  /** The manifest (entrypoint, runtime, trust, signature) of a version or alias; default `latest`. */
  getManifest(model: string, ref?: string): Promise<ManifestResponse>;
  /** An artifact's bytes, refused (`artifact_tampered`) unless they hash to `digest`. */
  fetchArtifact(digest: string): Promise<Uint8Array>;
  publish(model: string, request: PublishRequest): Promise<PublishResponse>;
  listAliases(model: string): Promise<readonly AliasInfo[]>;
  getAlias(model: string, alias: string): Promise<AliasInfo>;
  /** Points `alias` at a version (or another alias). `stable` and `latest`: admins only. */
  moveAlias(model: string, alias: string, version: string): Promise<MoveAliasResponse>;
  aliasHistory(model: string, alias: string): Promise<AliasHistoryResponse>;
  /** Admins: bind a new signing key to the model. */
  rotateSigningKey(model: string, request: RotateKeyRequest): Promise<SigningKeyInfo>;
  listTestResults(model: string, ref: string): Promise<TestResultsResponse>;
  recordTestResults(
    model: string,
    version: string,
    results: readonly TestResultInput[],
  ): Promise<TestResultsResponse>;
  /** The run log's keys as the server states them (pin them; see docs/registry.md). */
  logKey(): Promise<LogKeyResponse>;
  /** The latest signed checkpoint note, unverified. */
  checkpoint(): Promise<string>;
  logEntry(index: number): Promise<LogEntryResponse>;
  inclusionProof(index: number, treeSize: number): Promise<InclusionProofJson>;
  consistencyProof(from: number, to: number): Promise<ConsistencyProofJson>;
  /** Logs a fit or shadow deployment (operators); the server sets who and when. */
  appendRun(request: AppendRunRequest): Promise<AppendRunResponse>;
  /** Admins: re-hash the whole log and report tampering. */
  audit(): Promise<unknown>;
}

const seg = encodeURIComponent;

/**
 * A client for the registry served at `baseUrl` (the Twinbench server's origin).
 *
 * @example
 * const registry = createRegistryClient(location.origin, token);
 * const { models } = await registry.listModels();
 */
export function createRegistryClient(
  baseUrl: string | URL,
  token: RegistryToken = null,
  options: RegistryClientOptions = {},
): RegistryClient {
  const base = new URL(REGISTRY_BASE_PATH + '/', baseUrl);
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  async function send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    const bearer = typeof token === 'function' ? token() : token;
    if (bearer !== null) headers.Authorization = `Bearer ${bearer}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const url = new URL(path.replace(/^\//, ''), base);
    let response: Response;
    try {
      response = await doFetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      throw new RegistryClientError(
        'network',
        `cannot reach the registry at ${base.origin} (${error instanceof Error ? error.message : String(error)}): check that the Twinbench server is running and reachable.`,
        null,
        { cause: error },
      );
    }
    const version = response.headers.get(REGISTRY_API_HEADER);
    if (version !== String(REGISTRY_API_VERSION)) {
      throw new RegistryClientError(
        'api_version',
        version === null
          ? `${url.pathname} did not answer as a Twinbench registry (HTTP ${response.status}, no ${REGISTRY_API_HEADER} header): check the server address.`
          : `the registry at ${base.origin} speaks API version ${version}, this client ${REGISTRY_API_VERSION}: update the page or the server so they match.`,
        response.status,
      );
    }
    if (!response.ok) {
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      const error = parseRegistryErrorBody(parsed);
      throw new RegistryClientError(
        error?.reason ?? `http_${response.status}`,
        error?.message ?? `${method} ${url.pathname} failed with HTTP ${response.status}.`,
        response.status,
      );
    }
    return response;
  }

  async function json<T>(
    parse: (value: unknown) => T,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const response = await send(method, path, body);
    try {
      return parse(await response.json());
    } catch (error) {
      if (error instanceof RegistryProtocolError || error instanceof SyntaxError) {
        throw new RegistryClientError('malformed_response', error.message, response.status, {
          cause: error,
        });
      }
      throw error;
    }
  }

  const query = (params: Record<string, string | number>) =>
    new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();

  return {
    baseUrl: new URL('/', base).toString(),
    listModels: () => json(parseModelListResponse, 'GET', '/models'),
    getModel: (model) => json(parseModelInfo, 'GET', `/models/${seg(model)}`),
    listVersions: (model) =>
      json(parseVersionListResponse, 'GET', `/models/${seg(model)}/versions`),
    getVersion: (model, ref) =>
      json(parseVersionDetail, 'GET', `/models/${seg(model)}/versions/${seg(ref)}`),
    getManifest: (model, ref = 'latest') =>
      json(
        parseManifestResponse,
        'GET',
        `/models/${seg(model)}/manifest?${query({ version: ref })}`,
      ),
    async fetchArtifact(digest) {
      const response = await send('GET', `/artifacts/${seg(digest)}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      const actual = await artifactDigest(bytes);
      if (actual !== (digest.startsWith('sha256:') ? digest : `sha256:${digest}`)) {
        throw new RegistryClientError(
          'artifact_tampered',
          `the registry sent bytes hashing to ${actual} for artifact ${digest}: they were changed in storage or on the way. Do not use them; tell the registry's operator.`,
          response.status,
        );
      }
      return bytes;
    },
    publish: (model, request) =>
      json(parsePublishResponse, 'POST', `/models/${seg(model)}/versions`, request),
    listAliases: async (model) =>
      (await json(parseAliasList, 'GET', `/models/${seg(model)}/aliases`)).aliases,
    getAlias: (model, alias) =>
      json(
        (value) => parseAliasList({ aliases: [value] }).aliases[0]!,
        'GET',
        `/models/${seg(model)}/aliases/${seg(alias)}`,
      ),
    moveAlias: (model, alias, version) =>
      json(parseMoveAliasResponse, 'PUT', `/models/${seg(model)}/aliases/${seg(alias)}`, {
        version,
      }),
    aliasHistory: (model, alias) =>
      json(parseAliasHistoryResponse, 'GET', `/models/${seg(model)}/aliases/${seg(alias)}/history`),
    rotateSigningKey: (model, request) =>
      json(parseSigningKeyInfo, 'PUT', `/models/${seg(model)}/signing-key`, request),
    listTestResults: (model, ref) =>
      json(parseTestResultsResponse, 'GET', `/models/${seg(model)}/versions/${seg(ref)}/tests`),
    recordTestResults: (model, version, results) =>
      json(
        parseTestResultsResponse,
        'POST',
        `/models/${seg(model)}/versions/${seg(version)}/tests`,
        {
          results,
        },
      ),
    logKey: () => json(parseLogKeyResponse, 'GET', '/log/key'),
    checkpoint: async () => (await send('GET', '/log/checkpoint')).text(),
    logEntry: (index) => json(parseLogEntryResponse, 'GET', `/log/entries/${index}`),
    inclusionProof: (index, treeSize) =>
      json(parseInclusionProof, 'GET', `/log/proofs/inclusion?${query({ index, treeSize })}`),
    consistencyProof: (from, to) =>
      json(parseConsistencyProof, 'GET', `/log/proofs/consistency?${query({ from, to })}`),
    appendRun: (request) => json(parseAppendRunResponse, 'POST', '/log/entries', request),
    audit: () => json((value) => value, 'GET', '/log/audit'),
  };
}
