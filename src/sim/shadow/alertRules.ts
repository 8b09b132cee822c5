import { buildFootbridge, footbridgeSensors } from '../../twin/footbridge.ts';
import type { ShadowResiduals } from './shadowFrame.ts';

/**
 * A residual alert rule: every sensor whose id matches `channels` (a glob: `*` any run of
 * characters, `?` one) has the RMS of its residual over the last `windowMs` of device time
 * watched; the alert fires once the RMS has stayed above `threshold` (the sensor's unit) for
 * `forMs`, and clears once it has stayed at or below it for `forMs`.
 */
export interface AlertRule {
  /** Shown with its alerts; the glob when not given. */
  readonly name?: string;
  readonly channels: string;
  readonly threshold: number;
  readonly forMs: number;
  readonly windowMs: number;
}

/**
 * Defaults per sensor kind: about three times the largest 1 s residual RMS of the undamaged
 * footbridge after settling, fleet noise on (seeds 1–3 × 100 s; shadowPlant.test.ts prints its
 * own): disp.z 0.013 mm, disp.y 0.024 mm, acc.z 0.016 m/s², acc.y 0.009 m/s², strain 0.19 µε.
 * What sets that floor differs: sensor and load-cell noise for the vertical sensors and the
 * gauges; the walkers' unmeasured lateral sway for `disp.y` and `acc.y`. The bottom chord under
 * strain.bc.L7 at health 0.3 puts that gauge at 1–6 µε (2.2–3.0 in the test), its neighbours in
 * the same panel at most 0.41 µε, against 0.6.
 */
export const DEFAULT_ALERT_RULES: readonly AlertRule[] = [
  {
    name: 'vertical displacement',
    channels: 'disp.z.*',
    threshold: 0.04,
    forMs: 1000,
    windowMs: 1000,
  },
  {
    name: 'lateral displacement',
    channels: 'disp.y.*',
    threshold: 0.07,
    forMs: 1000,
    windowMs: 1000,
  },
  {
    name: 'vertical acceleration',
    channels: 'acc.z.*',
    threshold: 0.05,
    forMs: 1000,
    windowMs: 1000,
  },
  {
    name: 'lateral acceleration',
    channels: 'acc.y.*',
    threshold: 0.03,
    forMs: 1000,
    windowMs: 1000,
  },
  { name: 'strain', channels: 'strain.*', threshold: 0.6, forMs: 1000, windowMs: 1000 },
];

export interface Alert {
  /** Unique for the life of the AlertRules: rule, sensor and firing time. */
  readonly id: string;
  readonly rule: string;
  readonly sensor: string;
  /** For a strain gauge, the member it is glued to. */
  readonly member?: number;
  /** Device time (ms) at which the RMS had been above the threshold for `forMs`. */
  readonly firedAt: number;
  /** Residual RMS when it fired. */
  readonly value: number;
  readonly threshold: number;
}

export interface ClearedAlert extends Alert {
  readonly clearedAt: number;
  /** Residual RMS when it cleared; NaN when cleared by a jump back in time. */
  readonly clearedValue: number;
}

export interface AlertUpdate {
  readonly fired: readonly Alert[];
  readonly cleared: readonly ClearedAlert[];
}

/** The part of a shadow frame the rules read. */
export type AlertFrame = Pick<ShadowResiduals, 'time' | 'sensors' | 'residual' | 'settling'> &
  Partial<Pick<ShadowResiduals, 'degraded' | 'thresholdScale'>>;

interface Watch {
  readonly rule: AlertRule;
  readonly name: string;
  readonly sensor: string;
  readonly member: number | undefined;
  /** Residual² samples in the window: times and values, from `head` on. */
  times: number[];
  squares: number[];
  head: number;
  sum: number;
  since: number;
  aboveSince: number | null;
  belowSince: number | null;
  active: Alert | null;
}

/** Strain gauges' members on the default footbridge, by sensor id. */
export function footbridgeGaugeMembers(): ReadonlyMap<string, number> {
  const members = new Map<string, number>();
  for (const sensor of footbridgeSensors(buildFootbridge()))
    if (sensor.kind === 'strain') members.set(sensor.id, sensor.member);
  return members;
}

/** Compiles a channel glob (`strain.*`, `disp.?.L50`) to a whole-name RegExp. */
export function globPattern(glob: string): RegExp {
  const source = glob
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/**
 * Residual alerts on shadow frames: pure, no GPU, for the main thread. Frames flagged `settling`
 * (the model has not caught up with the plant yet) are not counted and empty every window. From
 * a `degraded` frame (the model missed some of its inputs) an alert fires only when the RMS is
 * above the threshold times the frame's `thresholdScale`, and an active one does not clear while
 * the RMS is above the plain threshold; a
 * frame earlier than the last one (a seek) starts everything afresh and clears active alerts.
 *
 * @example
 * const rules = new AlertRules();
 * const { fired } = rules.update(frame.residuals);
 * for (const alert of fired) notify(`${alert.sensor} (member ${alert.member})`);
 */
export class AlertRules {
  private readonly rules: readonly AlertRule[];
  private readonly patterns: readonly RegExp[];
  private readonly members: ReadonlyMap<string, number>;
  private watches = new Map<string, Watch[]>();
  private lastTime = -Infinity;
  private fired = 0;

  constructor(
    rules: readonly AlertRule[] = DEFAULT_ALERT_RULES,
    options: { readonly members?: ReadonlyMap<string, number> } = {},
  ) {
    for (const rule of rules) {
      if (!(rule.threshold >= 0 && rule.forMs >= 0 && rule.windowMs > 0))
        throw new RangeError(
          `Twinbench alerts: rule "${rule.name ?? rule.channels}" needs threshold ≥ 0, forMs ≥ 0 and windowMs > 0.`,
        );
    }
    this.rules = rules;
    this.patterns = rules.map((r) => globPattern(r.channels));
    this.members = options.members ?? footbridgeGaugeMembers();
  }

  /** Alerts fired and not cleared. */
  active(): Alert[] {
    const out: Alert[] = [];
    for (const list of this.watches.values())
      for (const w of list) if (w.active) out.push(w.active);
    return out;
  }

  /** The current windowed residual RMS of a sensor under its first matching rule (NaN if none). */
  rms(sensor: string): number {
    const w = this.watches.get(sensor)?.[0];
    return w ? rmsOf(w) : NaN;
  }

  /** Takes one frame; returns the alerts it fired and cleared. */
  update(frame: AlertFrame): AlertUpdate {
    const fired: Alert[] = [];
    const cleared: ClearedAlert[] = [];
    if (frame.time < this.lastTime) this.restart(frame.time, cleared);
    this.lastTime = frame.time;
    const scale = frame.degraded ? Math.max(1, frame.thresholdScale ?? 2) : 1;
    frame.sensors.forEach((sensor, i) => {
      for (const w of this.watchesOf(sensor)) {
        if (frame.settling) {
          empty(w);
          continue;
        }
        this.observe(w, frame.time, frame.residual[i]!, scale, fired, cleared);
      }
    });
    return { fired, cleared };
  }

  /** Forgets every window and active alert, without reporting them. */
  reset(): void {
    this.watches.clear();
    this.lastTime = -Infinity;
  }

  private restart(time: number, cleared: ClearedAlert[]): void {
    for (const list of this.watches.values())
      for (const w of list)
        if (w.active) cleared.push({ ...w.active, clearedAt: time, clearedValue: NaN });
    this.watches.clear();
  }

  private watchesOf(sensor: string): Watch[] {
    let list = this.watches.get(sensor);
    if (list === undefined) {
      const member = this.members.get(sensor);
      list = this.rules.flatMap((rule, r) =>
        this.patterns[r]!.test(sensor)
          ? [
              {
                rule,
                name: rule.name ?? rule.channels,
                sensor,
                member,
                times: [],
                squares: [],
                head: 0,
                sum: 0,
                since: NaN,
                aboveSince: null,
                belowSince: null,
                active: null,
              },
            ]
          : [],
      );
      this.watches.set(sensor, list);
    }
    return list;
  }

  private observe(
    w: Watch,
    time: number,
    residual: number,
    scale: number,
    fired: Alert[],
    cleared: ClearedAlert[],
  ): void {
    if (!Number.isFinite(residual)) return;
    if (Number.isNaN(w.since)) w.since = time;
    w.times.push(time);
    w.squares.push(residual * residual);
    w.sum += residual * residual;
    while (w.times[w.head]! <= time - w.rule.windowMs) {
      w.sum -= w.squares[w.head]!;
      w.head++;
    }
    if (w.head > 256) {
      w.times = w.times.slice(w.head);
      w.squares = w.squares.slice(w.head);
      w.head = 0;
      // Re-add from scratch now and then, so rounding in the running sum cannot build up.
      w.sum = w.squares.reduce((a, b) => a + b, 0);
    }
    // Judge only full windows: the first few samples' RMS is mostly chance.
    if (time - w.since < w.rule.windowMs) return;
    const rms = rmsOf(w);
    const { threshold, forMs } = w.rule;
    if (rms > threshold && rms <= threshold * scale) {
      // Degraded: above the threshold but not by the margin. Neither fires nor clears.
      w.aboveSince = null;
      w.belowSince = null;
      return;
    }
    if (rms > threshold) {
      w.belowSince = null;
      if (w.active) return;
      w.aboveSince ??= time;
      if (time - w.aboveSince >= forMs) {
        const alert: Alert = {
          id: `${w.name}/${w.sensor}@${time}#${++this.fired}`,
          rule: w.name,
          sensor: w.sensor,
          ...(w.member === undefined ? {} : { member: w.member }),
          firedAt: time,
          value: rms,
          threshold,
        };
        w.active = alert;
        w.aboveSince = null;
        fired.push(alert);
      }
    } else {
      w.aboveSince = null;
      if (!w.active) return;
      w.belowSince ??= time;
      if (time - w.belowSince >= forMs) {
        cleared.push({ ...w.active, clearedAt: time, clearedValue: rms });
        w.active = null;
        w.belowSince = null;
      }
    }
  }
}

function rmsOf(w: Watch): number {
  const n = w.times.length - w.head;
  return n > 0 ? Math.sqrt(Math.max(0, w.sum) / n) : NaN;
}

function empty(w: Watch): void {
  w.times = [];
  w.squares = [];
  w.head = 0;
  w.sum = 0;
  w.since = NaN;
  w.aboveSince = null;
  w.belowSince = null;
}
