/** The environment variables that configure tokens, named once for settings and messages alike. */
export const AUTH_ENV = {
  /** HS256 shared secret, at least 32 bytes; the relay verifies and the CLI signs with it. */
  secret: 'TWINBENCH_JWT_SECRET',
  /** Ed25519 public key (JWK JSON or PEM SPKI) the relay verifies EdDSA tokens with. */
  publicKey: 'TWINBENCH_JWT_PUBLIC_KEY',
  /** Ed25519 private key (JWK JSON or PEM PKCS#8) the CLI signs with; never give it to the relay. */
  privateKey: 'TWINBENCH_JWT_PRIVATE_KEY',
  issuer: 'TWINBENCH_JWT_ISSUER',
  audience: 'TWINBENCH_JWT_AUDIENCE',
  clockTolerance: 'TWINBENCH_JWT_CLOCK_TOLERANCE_S',
  anonymousRole: 'TWINBENCH_ANONYMOUS_ROLE',
} as const;
