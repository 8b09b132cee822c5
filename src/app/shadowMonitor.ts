/**
 * The page's side of shadow mode: takes the simulation worker's frames, runs the residual alert
 * rules on them, and keeps what the views need — the latest frame for the scene (no React) and a
 * summary for the panels. Plain TypeScript, tested in Node.
 */
import {
  AlertRules,
  DEFAULT_ALERT_RULES,
  globPattern,
  type Alert,
  type AlertRule,
} from '../sim/shadow/alertRules.ts';
import type { ShadowFrame } from '../sim/shadow/shadowFrame.ts';

export interface SensorResidual {
  readonly sensor: string;
  /** Latest measured − simulated, in the sensor's unit. */
  readonly residual: number;
  /** RMS over the rule's window (NaN before the first frame after settling). */
  readonly rms: number;
  /** The threshold of the first rule watching this sensor, or null when none does. */
  readonly threshold: number | null;
  readonly alerting: boolean;
}

export interface AlertEntry extends Alert {
  /** Device time it cleared; null while active. */
  readonly clearedAt: number | null;
  readonly active: boolean;
}

export interface ShadowState {
  /**
   * `waiting`: no measured inputs arrive (or the channel table lacks some); `settling`: the
   * model has just (re)started; `degraded`: it missed more of its inputs than it can ignore
   * (rows late or lost), so alerts need `thresholdScale` times the threshold; `watching`:
   * residuals are compared with the alert rules.
   */
  readonly phase: 'starting' | 'waiting' | 'settling' | 'degraded' | 'watching';
  /** Share of the model's input values it did not receive, over about one decay time. */
  readonly inputFill: number;
  /** While degraded, how many times the threshold a residual needs to fire an alert. */
  readonly thresholdScale: number;
  /** Device time of the latest comparison. */
  readonly time: number | null;
  readonly sensors: readonly SensorResidual[];
  /** Newest first, at most {@link MAX_ALERTS}. */
  readonly alerts: readonly AlertEntry[];
  readonly missingInputs: readonly string[];
  readonly rowsStepped: number;
  readonly rowsSkipped: number;
}

export const INITIAL_SHADOW_STATE: ShadowState = {
  phase: 'starting',
  time: null,
  sensors: [],
  alerts: [],
  missingInputs: [],
  inputFill: 0,
  thresholdScale: 1,
  rowsStepped: 0,
  rowsSkipped: 0,
};

const MAX_ALERTS = 50;

export class ShadowMonitor {
  private readonly rules: AlertRules;
  private readonly thresholds = new Map<string, number | null>();
  private frame: ShadowFrame | null = null;
  private alerts: AlertEntry[] = [];
  private readonly alerting = new Set<string>();

  constructor(
    private readonly onFired: (alert: Alert) => void = () => {},
    private readonly ruleList?: readonly AlertRule[],
  ) {
    this.rules = new AlertRules(ruleList);
  }

  /** One frame from the worker; fires and clears alerts. */
  take(frame: ShadowFrame): void {
    this.frame = frame;
    const residuals = frame.residuals;
    if (!residuals) return;
    const { fired, cleared } = this.rules.update(residuals);
    for (const alert of cleared) {
      this.alerting.delete(alert.sensor);
      this.alerts = this.alerts.map((a) =>
        a.id === alert.id ? { ...a, clearedAt: alert.clearedAt, active: false } : a,
      );
    }
    for (const alert of fired) {
      this.alerting.add(alert.sensor);
      this.alerts = [{ ...alert, clearedAt: null, active: true }, ...this.alerts].slice(
        0,
        MAX_ALERTS,
      );
      this.onFired(alert);
    }
  }

  /** The samples start over (seek, live ↔ playback): windows and active alerts are forgotten. */
  reset(): void {
    this.rules.reset();
    this.alerting.clear();
    this.alerts = this.alerts.map((a) => (a.active ? { ...a, active: false } : a));
    this.frame = null;
  }

  /** Node displacements of the shadow model for the ghost; null before the first frame. */
  displacement(): Float32Array | null {
    return this.frame?.residuals?.nodeDisplacement ?? null;
  }

  /** Sensors with an active alert. */
  alertingSensors(): ReadonlySet<string> {
    return this.alerting;
  }

  summary(): ShadowState {
    const frame = this.frame;
    const residuals = frame?.residuals ?? null;
    const phase: ShadowState['phase'] =
      frame === null
        ? 'starting'
        : frame.waitingForInputs || !residuals
          ? 'waiting'
          : residuals.settling
            ? 'settling'
            : residuals.degraded
              ? 'degraded'
              : 'watching';
    return {
      phase,
      time: residuals?.time ?? null,
      sensors: residuals
        ? residuals.sensors.map((sensor, i) => ({
            sensor,
            residual: residuals.residual[i]!,
            rms: this.rules.rms(sensor),
            threshold: this.thresholdOf(sensor),
            alerting: this.alerting.has(sensor),
          }))
        : [],
      alerts: this.alerts,
      missingInputs: frame?.missingInputs ?? [],
      inputFill: residuals?.inputFill ?? 0,
      thresholdScale: residuals?.thresholdScale ?? 1,
      rowsStepped: frame?.counters.rowsStepped ?? 0,
      rowsSkipped: frame?.counters.rowsSkipped ?? 0,
    };
  }

  private thresholdOf(sensor: string): number | null {
    let threshold = this.thresholds.get(sensor);
    if (threshold === undefined) {
      // The first rule whose glob matches watches the sensor; its threshold is shown.
      const rule = (this.ruleList ?? DEFAULT_ALERT_RULES).find((r) =>
        globPattern(r.channels).test(sensor),
      );
      threshold = rule?.threshold ?? null;
      this.thresholds.set(sensor, threshold);
    }
    return threshold;
  }
}
