export type ModelErrorReason =
  /** A kernel failed to parse or is outside the differentiable subset (`cause` is the KernelError). */
  | 'kernel'
  /** Two kernels, buffers, parameters or observables share a name. */
  | 'duplicate_name'
  /** A name refers to no kernel, entry point, buffer, variable, parameter or observable. */
  | 'unknown_reference'
  /** A kernel variable the entry point uses is not bound, or the clock variable is wrong. */
  | 'unbound_variable'
  /** A binding's WGSL type does not match the buffer's element type or length. */
  | 'type_mismatch'
  /** A dispatch writes a buffer it may not (parameter, input, constant, state as current). */
  | 'read_only_buffer'
  /** A buffer is written by two dispatches of a step, or a state buffer by none. */
  | 'write_count'
  /** A dispatch reads a scratch buffer or a state's next copy before the dispatch that writes it. */
  | 'read_before_write'
  /** One buffer bound to two variables of a dispatch where either is written or differentiated. */
  | 'aliased_binding'
  /** A number out of its range: dt, steps, lengths, offsets, bounds, weights, workgroups. */
  | 'bad_value'
  /** Observation data that does not fit the model: rows, channels, steps. */
  | 'bad_data'
  /** Run or gradient arguments that do not fit the model: parameter vector, initial state, inputs. */
  | 'bad_argument'
  /** The GPU refused a kernel or pipeline the checker accepted. */
  | 'gpu';

/**
 * A model that cannot run as specified, or arguments that do not fit it. The message names the
 * model and the place (kernel file, dispatch, buffer), says what is wrong and what to do:
 * `model "heat plate": dispatch 0 (heatPlate.step): variable conductivity is bound to buffer
 * "k", which does not exist. Declare it under buffers or bind an existing one.`
 */
export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly reason: ModelErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
