// Where to find a Vulkan driver for Dawn (the `webgpu` package) on a machine without a GPU:
// Debian's chromium ships SwiftShader and its Vulkan loader. A machine with a GPU driver keeps
// its own settings; nothing here overrides a variable the user already set.
import { existsSync } from 'node:fs';

const CHROMIUM_DIR = '/usr/lib/chromium';

export function gpuEnv(env = process.env) {
  const extra = {};
  const icd = `${CHROMIUM_DIR}/vk_swiftshader_icd.json`;
  if (
    !env.VK_ICD_FILENAMES &&
    existsSync(icd) &&
    !existsSync('/usr/share/vulkan/icd.d/nvidia_icd.json')
  ) {
    extra.VK_ICD_FILENAMES = icd;
  }
  const systemLoader = [
    '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
    '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
  ].some(existsSync);
  if (!systemLoader && existsSync(`${CHROMIUM_DIR}/libvulkan.so.1`)) {
    extra.LD_LIBRARY_PATH = [CHROMIUM_DIR, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  }
  return extra;
}
