/** Environment variables that let Dawn find SwiftShader on a machine without a GPU driver. */
export function gpuEnv(env?: NodeJS.ProcessEnv): Record<string, string>;
