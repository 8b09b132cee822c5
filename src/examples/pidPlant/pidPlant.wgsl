// One step of a mass–spring–damper plant under PID control, one invocation per plant (every
// plant has the same controller). The controller sees the position error e = set-point − x,
// integrates it, and differentiates it against the previous step's error; the plant then moves
// by semi-implicit Euler. Twinbench generates the adjoint, so gains fit through the closed loop.

struct Clock { step: u32, time: f32, dt: f32 }

struct PlantState {
  x: f32,             // position (m)
  v: f32,             // velocity (m/s)
  integral: f32,      // ∫ e dt (m·s)
  previousError: f32, // e of the previous step (m)
}

struct Gains {
  kp: f32, // N/m
  ki: f32, // N/(m·s)
  kd: f32, // N·s/m
}

struct Plant {
  mass: f32,      // kg
  stiffness: f32, // N/m
  damping: f32,   // N·s/m
}

@group(0) @binding(0) var<uniform> clock: Clock;
@group(0) @binding(1) var<storage, read> stateIn: array<PlantState>;
@group(0) @binding(2) var<storage, read_write> stateOut: array<PlantState>;
@group(0) @binding(3) var<storage, read> gains: Gains; // @diff
@group(0) @binding(4) var<storage, read> setpoint: array<f32>; // @diff this step's set-point
@group(0) @binding(5) var<storage, read> plant: Plant;

@compute @workgroup_size(1)
fn step(@builtin(global_invocation_id) gid: vec3u) {
  let p = gid.x;
  if (p >= arrayLength(&stateIn)) {
    return;
  }
  let s = stateIn[p];
  let dt = clock.dt;
  let e = setpoint[0] - s.x;
  let integral = s.integral + e * dt;
  let derivative = (e - s.previousError) / dt;
  let force = gains.kp * e + gains.ki * integral + gains.kd * derivative;
  let a = (force - plant.stiffness * s.x - plant.damping * s.v) / plant.mass;
  let v = s.v + dt * a;
  let x = s.x + dt * v;
  stateOut[p] = PlantState(x, v, integral, e);
}
