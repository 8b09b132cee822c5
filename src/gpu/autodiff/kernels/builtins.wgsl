// Every differentiable builtin, on inputs kept inside their domains (positive a, b in [0.5, 1.5]).
// @gradcheck workgroups=1 length=4
// @gradcheck range a=0.5..1.5
// @gradcheck range b=0.5..1.5
@group(0) @binding(0) var<storage, read> a: array<vec4f>; // @diff
@group(0) @binding(1) var<storage, read> b: array<vec4f>; // @diff
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(4)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let p = a[i];
  let q = b[i];
  var s = 0.0;
  s += abs(p.x - 1.7) + sqrt(p.y) + inverseSqrt(q.x) + exp(p.z * 0.3) + exp2(q.w) + log(p.w) + log2(q.y);
  s += pow(p.x, q.z) + sin(p.y) + cos(q.x) + tan(p.z * 0.5) + tanh(q.y) + atan2(p.x, q.w);
  s += dot(p.xyz, q.yzw) + length(p) + distance(p.xy, q.zw) + fract(p.w * 3.3);
  s += dot(cross(p.xyz, q.xyz), vec3f(0.3, -0.2, 0.5)) + dot(normalize(q), vec4f(0.1, 0.2, 0.3, 0.4));
  s += mix(p.x, q.x, p.y) + dot(mix(p.xy, q.xy, vec2f(0.25, 0.75)), vec2f(1.0, -1.0)) + smoothstep(0.4, 1.6, p.z);
  s += fma(p.x, q.y, p.z) + step(1.0, q.w) * p.w + floor(p.x) + ceil(q.y) + round(p.z) + sign(q.x - 1.0);
  s += min(p.y, q.y) + max(p.w, q.w) + clamp(p.z, 0.7, 1.3) + select(p.x, q.x, p.y > q.y);
  out[i] = s;
}
