import { defineConfig } from 'vitest/config';
import { gpuEnv } from './scripts/gpuEnv.mjs';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'server/**/*.test.ts', 'e2e/**/*.e2e.ts'],
    environment: 'node',
    env: gpuEnv(),
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration and browser tests start servers on fixed loopback ports: one file at a time
    // keeps them apart and suits a 2-core machine.
    fileParallelism: false,
  },
});
