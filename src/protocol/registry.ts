/**
 * The browser ↔ model registry HTTP boundary: JSON over HTTP under `/api/registry/`.
 *
 * Every request and response body is typed here; the routes (server/registry/http/) and the
 * client (src/registry/) import this module to talk to each other, and the client checks what
 * it receives with the `parse…` functions below before it trusts a field. Every response
 * carries the header `Twinbench-Registry-Api: <REGISTRY_API_VERSION>`; bump it on any
 * incompatible change (the client refuses another version). Errors are
 * `{ error: { reason, message } }` with a message that says what to do. The OpenAPI document
 * (server/registry/http/openapi.json, served at `/api/registry/openapi.json`) describes the
 * same routes. Reference: docs/registry.md.
 */
import type { JsonValue } from '../shared/merkle/canonicalJson.ts';
import type { ConsistencyProofJson, InclusionProofJson } from '../shared/merkle/proofJson.ts';
import type { LogPublicKey } from '../shared/merkle/logPublicKey.ts';

export const REGISTRY_API_VERSION = 1;
export const REGISTRY_API_HEADER = 'Twinbench-Registry-Api';
export const REGISTRY_BASE_PATH = '/api/registry';

/** Sizes the server refuses beyond (413), and the client checks before sending. */
export const REGISTRY_LIMITS = {
  /** A publish request: the manifest and every artifact, base64. */
  publishBodyBytes: 24 * 1024 * 1024,
  /** Any other request body. */
  jsonBodyBytes: 256 * 1024,
  /** One artifact's bytes. */
  artifactBytes: 8 * 1024 * 1024,
  artifactsPerVersion: 64,
  testResultsPerRequest: 1000,
} as const;

// ---- shapes ---------------------------------------------------------------------------------

/** Where a model may run: on a WebGPU device, or on the float64 CPU reference backend. */
export const RUNTIME_BACKENDS = ['gpu', 'cpu'] as const;
export type RuntimeBackend = (typeof RUNTIME_BACKENDS)[number];

/**
 * The registry manifest of a version (signed with it): which artifact is the model manifest
 * (`entrypoint`, the YAML of docs/models.md) and where the model may run.
 */
export interface RegistryManifest {
  readonly entrypoint: string;
  readonly runtime: { readonly backends: readonly RuntimeBackend[] };
  readonly description?: string;
}

/** A file of a version. */
export interface ArtifactRef {
  readonly path: string;
  /** `sha256:<hex>` of its bytes; fetch them at `/api/registry/artifacts/<digest>`. */
  readonly digest: string;
  readonly size: number;
}

/** The artifact as published: its bytes in standard base64. */
export interface PublishArtifact extends ArtifactRef {
  readonly content: string;
}

/** `POST /api/registry/models/{model}/versions`. */
export interface PublishRequest {
  readonly version: string;
  readonly manifest: RegistryManifest;
  readonly artifacts: readonly PublishArtifact[];
  /** `contentDigest({ model, version, manifest, artifacts })` (src/shared/signing). */
  readonly contentDigest: string;
  /** The author's Ed25519 signature over the content digest, base64. */
  readonly signature: string;
  /** The author's raw Ed25519 public key, base64. */
  readonly publicKey: string;
  /** Kept as the model's description when this publish creates the model. */
  readonly modelDescription?: string;
}

export interface SigningKeyInfo {
  readonly publicKey: string;
  /** `ed25519:<hex>`, what people compare. */
  readonly fingerprint: string;
  /** The author the key is bound to: only they publish with it. */
  readonly principal: string;
  /** Who bound it: the author on first publish, or the admin who rotated it. */
  readonly boundBy: string;
  readonly boundAt: string;
}

export interface AliasInfo {
  readonly alias: string;
  readonly version: string;
  readonly movedBy: string;
  readonly movedAt: string;
}

export interface ModelListItem {
  readonly name: string;
  readonly owner: string;
  readonly description: string;
  readonly createdAt: string;
  /** Where `latest` and `stable` point, or null. */
  readonly latest: string | null;
  readonly stable: string | null;
}

export interface ModelListResponse {
  readonly models: readonly ModelListItem[];
}

export interface ModelInfo extends ModelListItem {
  readonly aliases: readonly AliasInfo[];
  /** The key the next version must be signed with. */
  readonly signingKey: SigningKeyInfo | null;
}

export interface VersionSummary {
  readonly model: string;
  readonly version: string;
  readonly contentDigest: string;
  readonly publishedBy: string;
  readonly publishedAt: string;
  readonly keyFingerprint: string;
  /** The index of its `publish` entry in the run log; null if logging it failed. */
  readonly logIndex: number | null;
}

export interface VersionListResponse {
  readonly model: string;
  readonly versions: readonly VersionSummary[];
}

export interface SignatureInfo {
  readonly algorithm: 'Ed25519';
  readonly publicKey: string;
  readonly signature: string;
  readonly fingerprint: string;
}

/**
 * How far a version is trusted, lowest first:
 * - `signed`: the registry verified the author's signature with the key bound to the model;
 * - `tested`: signed, with recorded test results whose latest run of every case passed;
 * - `approved`: signed, and an admin has pointed `stable` at it.
 */
export const TRUST_LEVELS = ['signed', 'tested', 'approved'] as const;
export type TrustLevel = (typeof TRUST_LEVELS)[number];

export interface TrustInfo {
  readonly level: TrustLevel;
  /** The principal the signing key was bound to when this version was published. */
  readonly signer: string;
  /** Whether the key is still the model's current key (false after an admin rotated it). */
  readonly keyCurrent: boolean;
  readonly tests: { readonly passed: number; readonly failed: number; readonly skipped: number };
  /** The admin who pointed `stable` here (the latest such move), or null. */
  readonly approvedBy: string | null;
}

export interface VersionDetail extends VersionSummary {
  readonly manifest: RegistryManifest;
  readonly artifacts: readonly ArtifactRef[];
  readonly signature: SignatureInfo;
  readonly trust: TrustInfo;
  /** The aliases pointing at it now. */
  readonly aliases: readonly string[];
}

/** `GET /api/registry/models/{model}/manifest?version=<version or alias>`. */
export interface ManifestResponse extends VersionDetail {
  /** What was asked for: a version or an alias. */
  readonly ref: string;
  readonly entrypoint: string;
  readonly runtime: RegistryManifest['runtime'];
}

export interface PublishResponse {
  readonly version: VersionDetail;
  /** True when this publish created the model (and bound the key to its author). */
  readonly createdModel: boolean;
  /** Its `publish` entry in the run log. */
  readonly logEntry: { readonly index: number; readonly leafHash: string } | null;
}

/** `PUT /api/registry/models/{model}/aliases/{alias}`. */
export interface MoveAliasRequest {
  /** An exact version, or another alias. */
  readonly version: string;
}

export interface MoveAliasResponse {
  readonly alias: AliasInfo;
  readonly previous: string | null;
}

export interface AliasHistoryResponse {
  readonly model: string;
  readonly alias: string;
  readonly moves: readonly {
    readonly from: string | null;
    readonly to: string;
    readonly movedBy: string;
    readonly movedAt: string;
  }[];
}

/** `PUT /api/registry/models/{model}/signing-key` (admins): binds a new key. */
export interface RotateKeyRequest {
  readonly publicKey: string;
  /** The author who will publish with it. */
  readonly principal: string;
}

export const TEST_STATUSES = ['passed', 'failed', 'skipped'] as const;
export type TestStatus = (typeof TEST_STATUSES)[number];

export interface TestResultInput {
  readonly suite: string;
  readonly name: string;
  readonly status: TestStatus;
  readonly durationMs: number;
  readonly message?: string;
}

export interface RecordTestResultsRequest {
  readonly results: readonly TestResultInput[];
}

export interface TestResult {
  readonly suite: string;
  readonly name: string;
  readonly status: TestStatus;
  readonly durationMs: number;
  readonly message: string | null;
  readonly recordedAt: string;
}

export interface TestResultsResponse {
  readonly model: string;
  readonly version: string;
  readonly results: readonly TestResult[];
}

// ---- run log --------------------------------------------------------------------------------

export interface LogKeyResponse {
  readonly origin: string;
  readonly keys: readonly LogPublicKey[];
  /** The same keys as note verifier keys (`name+id+base64`), for pinning in a config file. */
  readonly verifierKeys: readonly string[];
}

export interface LogEntryResponse {
  readonly index: number;
  readonly leafHash: string;
  /** The stored canonical bytes, base64: what the client hashes to check a proof. */
  readonly bytes: string;
}

/** `POST /api/registry/log/entries`: the server sets `who` (the token's subject) and `when`. */
export interface AppendRunRequest {
  readonly kind: 'fit' | 'shadow';
  readonly model: { readonly id: string; readonly version: string };
  readonly inputs: readonly { readonly name: string; readonly digest: string }[];
  readonly parameters: { readonly [name: string]: JsonValue };
  readonly outputs: readonly { readonly name: string; readonly digest: string }[];
}

export interface AppendRunResponse {
  readonly index: number;
  readonly leafHash: string;
  readonly bytes: string;
}

export type { ConsistencyProofJson, InclusionProofJson };

export interface RegistryErrorBody {
  readonly error: { readonly reason: string; readonly message: string };
}

// ---- checking what the client receives -------------------------------------------------------

/**
 * A body that does not have the shape this module describes: `malformed_response` when the
 * client checks what the server sent, `bad_request` when the server checks what a client sent.
 */
export class RegistryProtocolError extends Error {
  override readonly name = 'RegistryProtocolError';
  constructor(
    readonly reason: 'malformed_response' | 'bad_request',
    message: string,
  ) {
    super(message);
  }
}

type Json = Readonly<Record<string, unknown>>;

/** Where a body is wrong; turned into a RegistryProtocolError by `response` or `request`. */
class ShapeError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path} ${problem}`);
  }
}

function fail(path: string, what: string): never {
  throw new ShapeError(path, what);
}

function response<T>(parse: (value: unknown) => T): (value: unknown) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      throw new RegistryProtocolError(
        'malformed_response',
        `registry response: ${error.message}; the server speaks another version of the registry API, or something between rewrote the answer.`,
      );
    }
  };
}

function request<T>(parse: (value: unknown) => T): (value: unknown) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      throw new RegistryProtocolError(
        'bad_request',
        `request body: ${error.message}; see ${REGISTRY_BASE_PATH}/openapi.json for the shape.`,
      );
    }
  };
}

function obj(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(path, 'is not an object');
  }
  return value as Json;
}

function str(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'is not a string');
  return value;
}

function nullableStr(value: unknown, path: string): string | null {
  return value === null ? null : str(value, path);
}

function int(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail(path, 'is not a whole number ≥ 0');
  }
  return value;
}

function num(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'is not a number');
  return value;
}

function oneOf<T extends string>(value: unknown, options: readonly T[], path: string): T {
  if (!(options as readonly unknown[]).includes(value))
    fail(path, `is not one of ${options.join(', ')}`);
  return value as T;
}

function list<T>(value: unknown, path: string, item: (value: unknown, path: string) => T): T[] {
  if (!Array.isArray(value)) fail(path, 'is not a list');
  return value.map((element: unknown, i) => item(element, `${path}[${i}]`));
}

function digestString(value: unknown, path: string): string {
  const text = str(value, path);
  if (!/^sha256:[0-9a-f]{64}$/.test(text)) fail(path, 'is not "sha256:" and 64 hex digits');
  return text;
}

function registryManifest(value: unknown, path: string): RegistryManifest {
  const m = obj(value, path);
  const runtime = obj(m.runtime, `${path}.runtime`);
  const backends = list(runtime.backends, `${path}.runtime.backends`, (b, p) =>
    oneOf(b, RUNTIME_BACKENDS, p),
  );
  if (backends.length === 0) fail(`${path}.runtime.backends`, 'is empty');
  return {
    entrypoint: str(m.entrypoint, `${path}.entrypoint`),
    runtime: { backends },
    ...(m.description === undefined
      ? {}
      : { description: str(m.description, `${path}.description`) }),
  };
}

function artifactRef(value: unknown, path: string): ArtifactRef {
  const a = obj(value, path);
  return {
    path: str(a.path, `${path}.path`),
    digest: digestString(a.digest, `${path}.digest`),
    size: int(a.size, `${path}.size`),
  };
}

function signingKey(value: unknown, path: string): SigningKeyInfo {
  const k = obj(value, path);
  return {
    publicKey: str(k.publicKey, `${path}.publicKey`),
    fingerprint: str(k.fingerprint, `${path}.fingerprint`),
    principal: str(k.principal, `${path}.principal`),
    boundBy: str(k.boundBy, `${path}.boundBy`),
    boundAt: str(k.boundAt, `${path}.boundAt`),
  };
}

function aliasInfo(value: unknown, path: string): AliasInfo {
  const a = obj(value, path);
  return {
    alias: str(a.alias, `${path}.alias`),
    version: str(a.version, `${path}.version`),
    movedBy: str(a.movedBy, `${path}.movedBy`),
    movedAt: str(a.movedAt, `${path}.movedAt`),
  };
}

function modelListItem(value: unknown, path: string): ModelListItem {
  const m = obj(value, path);
  return {
    name: str(m.name, `${path}.name`),
    owner: str(m.owner, `${path}.owner`),
    description: str(m.description, `${path}.description`),
    createdAt: str(m.createdAt, `${path}.createdAt`),
    latest: nullableStr(m.latest, `${path}.latest`),
    stable: nullableStr(m.stable, `${path}.stable`),
  };
}

export const parseModelListResponse = response((value: unknown): ModelListResponse => {
  return { models: list(obj(value, 'body').models, 'models', modelListItem) };
});

export const parseModelInfo = response((value: unknown): ModelInfo => {
  const m = obj(value, 'body');
  return {
    ...modelListItem(m, 'body'),
    aliases: list(m.aliases, 'aliases', aliasInfo),
    signingKey: m.signingKey === null ? null : signingKey(m.signingKey, 'signingKey'),
  };
});

function versionSummary(value: unknown, path: string): VersionSummary {
  const v = obj(value, path);
  return {
    model: str(v.model, `${path}.model`),
    version: str(v.version, `${path}.version`),
    contentDigest: digestString(v.contentDigest, `${path}.contentDigest`),
    publishedBy: str(v.publishedBy, `${path}.publishedBy`),
    publishedAt: str(v.publishedAt, `${path}.publishedAt`),
    keyFingerprint: str(v.keyFingerprint, `${path}.keyFingerprint`),
    logIndex: v.logIndex === null ? null : int(v.logIndex, `${path}.logIndex`),
  };
}

export const parseVersionListResponse = response((value: unknown): VersionListResponse => {
  const body = obj(value, 'body');
  return {
    model: str(body.model, 'model'),
    versions: list(body.versions, 'versions', versionSummary),
  };
});

function trustInfo(value: unknown, path: string): TrustInfo {
  const t = obj(value, path);
  const tests = obj(t.tests, `${path}.tests`);
  if (typeof t.keyCurrent !== 'boolean') fail(`${path}.keyCurrent`, 'is not a boolean');
  return {
    level: oneOf(t.level, TRUST_LEVELS, `${path}.level`),
    signer: str(t.signer, `${path}.signer`),
    keyCurrent: t.keyCurrent,
    tests: {
      passed: int(tests.passed, `${path}.tests.passed`),
      failed: int(tests.failed, `${path}.tests.failed`),
      skipped: int(tests.skipped, `${path}.tests.skipped`),
    },
    approvedBy: nullableStr(t.approvedBy, `${path}.approvedBy`),
  };
}

function versionDetail(value: unknown, path: string): VersionDetail {
  const v = obj(value, path);
  const s = obj(v.signature, `${path}.signature`);
  return {
    ...versionSummary(v, path),
    manifest: registryManifest(v.manifest, `${path}.manifest`),
    artifacts: list(v.artifacts, `${path}.artifacts`, artifactRef),
    signature: {
      algorithm: oneOf(s.algorithm, ['Ed25519'] as const, `${path}.signature.algorithm`),
      publicKey: str(s.publicKey, `${path}.signature.publicKey`),
      signature: str(s.signature, `${path}.signature.signature`),
      fingerprint: str(s.fingerprint, `${path}.signature.fingerprint`),
    },
    trust: trustInfo(v.trust, `${path}.trust`),
    aliases: list(v.aliases, `${path}.aliases`, str),
  };
}

export const parseVersionDetail = response((value: unknown): VersionDetail => {
  return versionDetail(value, 'body');
});

export const parseManifestResponse = response((value: unknown): ManifestResponse => {
  const body = obj(value, 'body');
  const detail = versionDetail(body, 'body');
  return {
    ...detail,
    ref: str(body.ref, 'ref'),
    entrypoint: str(body.entrypoint, 'entrypoint'),
    runtime: registryManifest({ entrypoint: '', runtime: body.runtime }, 'body').runtime,
  };
});

export const parsePublishResponse = response((value: unknown): PublishResponse => {
  const body = obj(value, 'body');
  if (typeof body.createdModel !== 'boolean') fail('createdModel', 'is not a boolean');
  let logEntry: PublishResponse['logEntry'] = null;
  if (body.logEntry !== null) {
    const entry = obj(body.logEntry, 'logEntry');
    logEntry = {
      index: int(entry.index, 'logEntry.index'),
      leafHash: str(entry.leafHash, 'logEntry.leafHash'),
    };
  }
  return {
    version: versionDetail(body.version, 'version'),
    createdModel: body.createdModel,
    logEntry,
  };
});

export const parseMoveAliasResponse = response((value: unknown): MoveAliasResponse => {
  const body = obj(value, 'body');
  return {
    alias: aliasInfo(body.alias, 'alias'),
    previous: nullableStr(body.previous, 'previous'),
  };
});

export const parseAliasList = response(
  (value: unknown): { readonly aliases: readonly AliasInfo[] } => {
    return { aliases: list(obj(value, 'body').aliases, 'aliases', aliasInfo) };
  },
);

export const parseAliasHistoryResponse = response((value: unknown): AliasHistoryResponse => {
  const body = obj(value, 'body');
  return {
    model: str(body.model, 'model'),
    alias: str(body.alias, 'alias'),
    moves: list(body.moves, 'moves', (m, path) => {
      const move = obj(m, path);
      return {
        from: nullableStr(move.from, `${path}.from`),
        to: str(move.to, `${path}.to`),
        movedBy: str(move.movedBy, `${path}.movedBy`),
        movedAt: str(move.movedAt, `${path}.movedAt`),
      };
    }),
  };
});

export const parseSigningKeyInfo = response((value: unknown): SigningKeyInfo => {
  return signingKey(value, 'body');
});

export const parseTestResultsResponse = response((value: unknown): TestResultsResponse => {
  const body = obj(value, 'body');
  return {
    model: str(body.model, 'model'),
    version: str(body.version, 'version'),
    results: list(body.results, 'results', (r, path) => {
      const result = obj(r, path);
      return {
        suite: str(result.suite, `${path}.suite`),
        name: str(result.name, `${path}.name`),
        status: oneOf(result.status, TEST_STATUSES, `${path}.status`),
        durationMs: num(result.durationMs, `${path}.durationMs`),
        message: nullableStr(result.message, `${path}.message`),
        recordedAt: str(result.recordedAt, `${path}.recordedAt`),
      };
    }),
  };
});

export const parseLogKeyResponse = response((value: unknown): LogKeyResponse => {
  const body = obj(value, 'body');
  return {
    origin: str(body.origin, 'origin'),
    keys: list(body.keys, 'keys', (k, path) => {
      const key = obj(k, path);
      return {
        name: str(key.name, `${path}.name`),
        publicKey: str(key.publicKey, `${path}.publicKey`),
      };
    }),
    verifierKeys: list(body.verifierKeys, 'verifierKeys', str),
  };
});

export const parseLogEntryResponse = response((value: unknown): LogEntryResponse => {
  const body = obj(value, 'body');
  return {
    index: int(body.index, 'index'),
    leafHash: str(body.leafHash, 'leafHash'),
    bytes: str(body.bytes, 'bytes'),
  };
});

export const parseAppendRunResponse: (value: unknown) => AppendRunResponse = parseLogEntryResponse;

export const parseInclusionProof = response((value: unknown): InclusionProofJson => {
  const body = obj(value, 'body');
  return {
    index: int(body.index, 'index'),
    treeSize: int(body.treeSize, 'treeSize'),
    proof: list(body.proof, 'proof', str),
  };
});

export const parseConsistencyProof = response((value: unknown): ConsistencyProofJson => {
  const body = obj(value, 'body');
  return {
    from: int(body.from, 'from'),
    to: int(body.to, 'to'),
    proof: list(body.proof, 'proof', str),
  };
});

/** The error in a 4xx/5xx body, or null when the body is not one. */
export function parseRegistryErrorBody(value: unknown): RegistryErrorBody['error'] | null {
  if (typeof value !== 'object' || value === null) return null;
  const error = (value as Json).error;
  if (typeof error !== 'object' || error === null) return null;
  const { reason, message } = error as Json;
  return typeof reason === 'string' && typeof message === 'string' ? { reason, message } : null;
}

// ---- checking what the server receives -------------------------------------------------------

function optionalStr(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : str(value, path);
}

function knownKeys(value: Json, keys: readonly string[], path: string): void {
  const unknown = Object.keys(value).find((key) => !keys.includes(key));
  if (unknown !== undefined)
    fail(`${path}.${unknown}`, `is not a field here (fields: ${keys.join(', ')})`);
}

function jsonObject(value: unknown, path: string): { readonly [name: string]: JsonValue } {
  return obj(value, path) as { readonly [name: string]: JsonValue };
}

export const parsePublishRequest = request((value: unknown): PublishRequest => {
  const body = obj(value, 'body');
  knownKeys(
    body,
    [
      'version',
      'manifest',
      'artifacts',
      'contentDigest',
      'signature',
      'publicKey',
      'modelDescription',
    ],
    'body',
  );
  const manifest = obj(body.manifest, 'manifest');
  knownKeys(manifest, ['entrypoint', 'runtime', 'description'], 'manifest');
  knownKeys(obj(manifest.runtime, 'manifest.runtime'), ['backends'], 'manifest.runtime');
  const description = optionalStr(body.modelDescription, 'modelDescription');
  return {
    version: str(body.version, 'version'),
    manifest: registryManifest(manifest, 'manifest'),
    artifacts: list(body.artifacts, 'artifacts', (a, path) => {
      const artifact = obj(a, path);
      knownKeys(artifact, ['path', 'digest', 'size', 'content'], path);
      return { ...artifactRef(artifact, path), content: str(artifact.content, `${path}.content`) };
    }),
    contentDigest: digestString(body.contentDigest, 'contentDigest'),
    signature: str(body.signature, 'signature'),
    publicKey: str(body.publicKey, 'publicKey'),
    ...(description === undefined ? {} : { modelDescription: description }),
  };
});

export const parseMoveAliasRequest = request((value: unknown): MoveAliasRequest => {
  const body = obj(value, 'body');
  knownKeys(body, ['version'], 'body');
  return { version: str(body.version, 'version') };
});

export const parseRotateKeyRequest = request((value: unknown): RotateKeyRequest => {
  const body = obj(value, 'body');
  knownKeys(body, ['publicKey', 'principal'], 'body');
  return {
    publicKey: str(body.publicKey, 'publicKey'),
    principal: str(body.principal, 'principal'),
  };
});

export const parseRecordTestResultsRequest = request((value: unknown): RecordTestResultsRequest => {
  const body = obj(value, 'body');
  knownKeys(body, ['results'], 'body');
  return {
    results: list(body.results, 'results', (r, path) => {
      const result = obj(r, path);
      knownKeys(result, ['suite', 'name', 'status', 'durationMs', 'message'], path);
      const message = optionalStr(result.message, `${path}.message`);
      return {
        suite: str(result.suite, `${path}.suite`),
        name: str(result.name, `${path}.name`),
        status: oneOf(result.status, TEST_STATUSES, `${path}.status`),
        durationMs: num(result.durationMs, `${path}.durationMs`),
        ...(message === undefined ? {} : { message }),
      };
    }),
  };
});

function namedDigests(value: unknown, path: string): { name: string; digest: string }[] {
  return list(value, path, (d, at) => {
    const item = obj(d, at);
    knownKeys(item, ['name', 'digest'], at);
    return {
      name: str(item.name, `${at}.name`),
      digest: digestString(item.digest, `${at}.digest`),
    };
  });
}

export const parseAppendRunRequest = request((value: unknown): AppendRunRequest => {
  const body = obj(value, 'body');
  knownKeys(body, ['kind', 'model', 'inputs', 'parameters', 'outputs'], 'body');
  const model = obj(body.model, 'model');
  knownKeys(model, ['id', 'version'], 'model');
  return {
    kind: oneOf(body.kind, ['fit', 'shadow'] as const, 'kind'),
    model: { id: str(model.id, 'model.id'), version: str(model.version, 'model.version') },
    inputs: namedDigests(body.inputs, 'inputs'),
    parameters: jsonObject(body.parameters, 'parameters'),
    outputs: namedDigests(body.outputs, 'outputs'),
  };
});
