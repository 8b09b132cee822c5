/**
 * A worker's own GPUDevice, requested on first use and again after a loss, with the loss
 * message kept: the fit and sandbox workers hold one each.
 */

/** Requests a device, or says why there is none. */
export type WorkerDeviceRequest = () => Promise<
  { readonly device: GPUDevice; readonly adapter: string } | { readonly reason: string }
>;

export interface Held {
  readonly device: GPUDevice;
  readonly adapter: string;
  /** The loss message, or null when the device was destroyed on purpose. */
  readonly lost: Promise<string | null>;
}

/** How long a failed run waits for `device.lost` before calling the failure an ordinary error. */
export const LOSS_GRACE_MS = 250;

export interface HeldDevice {
  /** The held device, or a new one when there is none (or it was lost). */
  get(): Promise<Held | { readonly reason: string }>;
  /** The loss message if `held` is lost now or within `LOSS_GRACE_MS`, else null. */
  lostSoon(held: Held): Promise<string | null>;
  /** Destroys the held device; the next `get` requests a new one. */
  destroy(): void;
}

export function holdDevice(request: WorkerDeviceRequest): HeldDevice {
  let held: Held | null = null;
  return {
    async get() {
      if (held) return held;
      const got = await request();
      if ('reason' in got) return got;
      const current: Held = {
        ...got,
        lost: got.device.lost.then((info) => {
          if (held === current) held = null;
          return info.reason === 'destroyed' ? null : info.message || 'unknown reason';
        }),
      };
      held = current;
      return current;
    },
    lostSoon: (current) =>
      Promise.race([
        current.lost,
        new Promise<null>((resolve) => setTimeout(() => resolve(null), LOSS_GRACE_MS)),
      ]),
    destroy() {
      held?.device.destroy();
      held = null;
    },
  };
}
