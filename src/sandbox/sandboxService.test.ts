import { describe, expect, it } from 'vitest';
import { createSandboxService } from './sandboxService.ts';
import { loadLoopModel } from './testing/loopModel.ts';

describe('sandbox service', () => {
  it('says why there is no device, in the words of the request', async () => {
    const service = createSandboxService(() => Promise.resolve({ reason: 'no WebGPU here' }));
    expect(await service.runTests(await loadLoopModel(), () => {})).toEqual({
      status: 'failed',
      reason: 'no_webgpu',
      message: 'no WebGPU here',
      cases: [],
    });
  });

  it('runs one request at a time', async () => {
    // The first run waits for a device that never comes.
    const service = createSandboxService(() => new Promise(() => {}));
    const request = await loadLoopModel();
    void service.runTests(request, () => {});
    expect(await service.runTests(request, () => {})).toMatchObject({
      status: 'failed',
      reason: 'busy',
      message: 'a test run is already in progress in this worker; cancel it or wait for it to end',
    });
  });
});
