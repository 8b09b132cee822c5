/**
 * A request the registry refuses, with the HTTP status it answers and a machine-readable
 * `reason`; the message goes to the client as it is, so it says what to do.
 */
export class RegistryRequestError extends Error {
  override readonly name = 'RegistryRequestError';
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
