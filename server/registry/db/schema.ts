/**
 * The registry's schema as numbered migrations. Never edit a migration that has shipped: add
 * the next one. Each statement runs on its own (both drivers take one statement per query),
 * all of a migration in one transaction with the ones before and after it.
 */
export interface Migration {
  readonly version: number;
  /** Recorded in schema_migrations; checked on open, so a foreign table is noticed. */
  readonly name: string;
  readonly statements: readonly string[];
}

export const REGISTRY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'registry: models, versions, artifacts, aliases, test results, run log',
    statements: [
      `CREATE TABLE models (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL,
        owner text NOT NULL,
        description text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT models_name_key UNIQUE (name)
      )`,
      // Content-addressed: the key is the SHA-256 of the bytes, so equal files are stored once.
      `CREATE TABLE artifacts (
        digest bytea PRIMARY KEY CHECK (octet_length(digest) = 32),
        size bigint NOT NULL CHECK (size >= 0),
        content bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
      // The manifest is kept as the exact text the author published (it may be signed over);
      // jsonb would reorder keys and drop whitespace.
      `CREATE TABLE versions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        model_id bigint NOT NULL REFERENCES models (id),
        version text NOT NULL,
        content_digest bytea NOT NULL CHECK (octet_length(content_digest) = 32),
        manifest text NOT NULL,
        signature bytea NOT NULL CHECK (octet_length(signature) = 64),
        public_key bytea NOT NULL CHECK (octet_length(public_key) = 32),
        published_by text NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT versions_model_version_key UNIQUE (model_id, version)
      )`,
      `CREATE TABLE version_artifacts (
        version_id bigint NOT NULL REFERENCES versions (id),
        path text NOT NULL,
        digest bytea NOT NULL REFERENCES artifacts (digest),
        PRIMARY KEY (version_id, path)
      )`,
      `CREATE INDEX version_artifacts_digest_idx ON version_artifacts (digest)`,
      `CREATE TABLE aliases (
        model_id bigint NOT NULL REFERENCES models (id),
        name text NOT NULL,
        version_id bigint NOT NULL REFERENCES versions (id),
        moved_by text NOT NULL,
        moved_at timestamptz NOT NULL,
        PRIMARY KEY (model_id, name)
      )`,
      `CREATE TABLE alias_moves (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        model_id bigint NOT NULL REFERENCES models (id),
        name text NOT NULL,
        from_version_id bigint REFERENCES versions (id),
        to_version_id bigint NOT NULL REFERENCES versions (id),
        moved_by text NOT NULL,
        moved_at timestamptz NOT NULL
      )`,
      `CREATE INDEX alias_moves_alias_idx ON alias_moves (model_id, name, id)`,
      `CREATE TABLE test_results (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        version_id bigint NOT NULL REFERENCES versions (id),
        suite text NOT NULL,
        name text NOT NULL,
        status text NOT NULL CHECK (status IN ('passed', 'failed', 'skipped')),
        duration_ms double precision NOT NULL CHECK (duration_ms >= 0),
        message text,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX test_results_version_idx ON test_results (version_id, id)`,
      // One row holding the log's size. Appends increment it under its row lock, in the same
      // transaction as the leaf insert, so indices are dense even with concurrent appends and
      // a rolled-back append leaves no gap.
      `CREATE TABLE run_log_head (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        size bigint NOT NULL CHECK (size >= 0)
      )`,
      `INSERT INTO run_log_head (singleton, size) VALUES (true, 0)`,
      `CREATE TABLE run_log_leaves (
        idx bigint PRIMARY KEY CHECK (idx >= 0),
        leaf_hash bytea NOT NULL CHECK (octet_length(leaf_hash) = 32),
        entry bytea NOT NULL,
        appended_at timestamptz NOT NULL DEFAULT now()
      )`,
      // The log is append-only: a published tree head commits to every leaf.
      `CREATE FUNCTION run_log_leaves_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'run_log_leaves is append-only: % refused', TG_OP
          USING ERRCODE = 'restrict_violation';
      END
      $$`,
      `CREATE TRIGGER run_log_leaves_append_only
        BEFORE UPDATE OR DELETE OR TRUNCATE ON run_log_leaves
        FOR EACH STATEMENT EXECUTE FUNCTION run_log_leaves_append_only()`,
    ],
  },
  {
    version: 2,
    name: "registry: authors' signing keys per model, publish entries in the run log",
    statements: [
      // The key an author's versions of a model must be signed with, bound on first publish;
      // an admin rotating it retires the old row, so the history of keys is kept.
      `CREATE TABLE model_signing_keys (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        model_id bigint NOT NULL REFERENCES models (id),
        public_key bytea NOT NULL CHECK (octet_length(public_key) = 32),
        principal text NOT NULL,
        bound_by text NOT NULL,
        bound_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz
      )`,
      `CREATE UNIQUE INDEX model_signing_keys_current_key
        ON model_signing_keys (model_id) WHERE retired_at IS NULL`,
      // Where the version's publish entry sits in the run log (null until it is appended).
      `ALTER TABLE versions ADD COLUMN run_log_index bigint CHECK (run_log_index >= 0)`,
    ],
  },
];
