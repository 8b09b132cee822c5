import { Canvas, useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { divergingColor, sequentialColor } from '../colorMap.ts';
import { select, viewStore } from '../viewStore.ts';
import { displacedPositions, writeSegment, writeTranslationScale } from './instanceMatrices.ts';
import { displacementField } from './twinDisplacement.ts';
import { FrameRateJudge } from './frameRateJudge.ts';
import { judgedFrames, useRenderQuality } from './renderQuality.ts';
import type { Twin, TwinSensor } from './twinFile.ts';
import type { EntityDocument } from './twinFileTypes.ts';

/** Where the scene reads what it draws. */
export interface SceneSource {
  /** The channel's value at the displayed time; NaN when it has none. */
  read: (channel: string) => number;
  /** Per-node simulated displacement (m, 3 floats a node), or null for no ghost. */
  simulated(): Float32Array | null;
  /** Sensor channels whose shadow alert is firing. */
  alerting(): ReadonlySet<string>;
}

const SELECTED = new THREE.Color('#facc15');
const DEFAULTS = {
  member: '#8ea3bd',
  node: '#cbd5e1',
  sensor: '#22d3ee',
  alert: '#f43f5e',
  ghost: '#c4b5fd',
  arrow: '#fbbf24',
  primitive: '#64748b',
} as const;
const DEG = Math.PI / 180;

/**
 * Where the user left the camera, per twin: the canvas is created anew when antialiasing is
 * switched (a WebGL context cannot change it), and the view should not jump back.
 */
const viewpoints = new WeakMap<Twin, { position: THREE.Vector3; target: THREE.Vector3 }>();

function Controls({ twin }: { readonly twin: Twin }) {
  const { camera, gl, invalidate } = useThree();
  useEffect(() => {
    const kept = viewpoints.get(twin);
    camera.up.set(...twin.camera.up);
    if (kept) camera.position.copy(kept.position);
    else camera.position.set(...twin.camera.position);
    if (camera instanceof THREE.PerspectiveCamera) {
      camera.fov = twin.camera.fov;
      camera.updateProjectionMatrix();
    }
    const controls = new OrbitControls(camera, gl.domElement);
    if (kept) controls.target.copy(kept.target);
    else controls.target.set(...twin.camera.target);
    controls.enableDamping = true;
    controls.maxPolarAngle = Math.PI * 0.495;
    controls.update();
    const onChange = () => invalidate();
    controls.addEventListener('change', onChange);
    let frame = requestAnimationFrame(function loop() {
      controls.update();
      frame = requestAnimationFrame(loop);
    });
    return () => {
      viewpoints.set(twin, { position: camera.position.clone(), target: controls.target.clone() });
      cancelAnimationFrame(frame);
      controls.removeEventListener('change', onChange);
      controls.dispose();
    };
  }, [camera, gl, invalidate, twin]);
  return null;
}

/**
 * Times the first frames drawn with antialiasing and reports the verdict (renderQuality), which
 * turns antialiasing off on a GPU that draws them below 10 frames a second. A gap while the page
 * was hidden is not counted.
 */
function FrameRateWatch() {
  const judge = useMemo(() => new FrameRateJudge(), []);
  const hidden = useRef(false);
  useEffect(() => {
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') hidden.current = true;
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, []);
  const reported = useRef(false);
  useFrame(() => {
    if (reported.current) return;
    const verdict = judge.frame(performance.now(), hidden.current);
    hidden.current = false;
    if (!verdict) return;
    reported.current = true;
    judgedFrames(verdict.slow, verdict.medianMs);
  });
  return null;
}

function Primitive({ entity }: { readonly entity: EntityDocument }) {
  const rotation = (entity.rotation ?? [0, 0, 0]).map((d) => d * DEG) as [number, number, number];
  const material = (
    <meshStandardMaterial
      color={entity.color ?? DEFAULTS.primitive}
      roughness={entity.roughness ?? 0.8}
      metalness={entity.metalness ?? 0}
      transparent={entity.opacity !== undefined && entity.opacity < 1}
      opacity={entity.opacity ?? 1}
    />
  );
  const geometry = (() => {
    switch (entity.kind) {
      case 'box':
        return <boxGeometry args={(entity.size ?? [1, 1, 1]) as [number, number, number]} />;
      case 'plane':
        return <planeGeometry args={(entity.size ?? [1, 1]) as [number, number]} />;
      case 'sphere':
        return <sphereGeometry args={[entity.radius ?? 0.5, 24, 16]} />;
      default:
        return (
          <cylinderGeometry
            args={[entity.radius ?? 0.5, entity.radius ?? 0.5, entity.length ?? 1, 24]}
          />
        );
    }
  })();
  return (
    <mesh position={entity.position ?? [0, 0, 0]} rotation={rotation} raycast={() => null}>
      {geometry}
      {material}
    </mesh>
  );
}

/**
 * Node and marker shapes. Spheres are 8 × 6 segments (80 triangles): a twin has thousands, and
 * on a software renderer the frame rate follows the triangle count (the viewer bench's tower
 * drew 0.34 → 0.49 frames a second on SwiftShader with these and open member tubes).
 */
function markerGeometry(shape: EntityDocument['shape'], radius: number): THREE.BufferGeometry {
  if (shape === 'box') return new THREE.BoxGeometry(radius * 2, radius * 2, radius * 2);
  if (shape === 'octahedron') return new THREE.OctahedronGeometry(radius, 0);
  return new THREE.SphereGeometry(radius, 8, 6);
}

/**
 * A member's tube: 8 sides, open at both ends when every end sits inside a node shape at least
 * as wide as the thickest member (the caps would never be seen), closed otherwise.
 */
function memberGeometry(
  members: EntityDocument | undefined,
  nodes: EntityDocument | undefined,
): THREE.CylinderGeometry {
  const radii = [members?.radius ?? 0.05, ...Object.values(members?.radiusByRole ?? {})];
  const covered = nodes !== undefined && (nodes.radius ?? 0.1) >= Math.max(...radii);
  return new THREE.CylinderGeometry(1, 1, 1, 8, 1, covered);
}

/** Where each sensor's marker sits: a node, or a member's midpoint, and its slot there. */
function markerPlaces(twin: Twin): { a: Int32Array; b: Int32Array; slot: Int32Array } {
  const n = twin.sensors.length;
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  const slot = new Int32Array(n);
  const used = new Map<string, number>();
  twin.sensors.forEach((s, k) => {
    const [ia, ib] =
      s.member >= 0 ? [twin.members[s.member]!.a, twin.members[s.member]!.b] : [s.node, s.node];
    const key = `${ia}:${ib}`;
    const taken = used.get(key) ?? 0;
    used.set(key, taken + 1);
    a[k] = ia;
    b[k] = ib;
    slot[k] = taken;
  });
  return { a, b, slot };
}

interface StructureProps {
  readonly twin: Twin;
  readonly source: SceneSource;
}

/** The structure's instanced sets, all updated from one frame callback. */
function Structure({ twin, source }: StructureProps) {
  const entity = (kind: EntityDocument['kind']) => twin.scene.find((e) => e.kind === kind);
  const membersEntity = entity('members');
  const nodesEntity = entity('nodes');
  const memberTube = useMemo(
    () => memberGeometry(membersEntity, nodesEntity),
    [membersEntity, nodesEntity],
  );
  useEffect(() => () => memberTube.dispose(), [memberTube]);
  const sensorsEntity = entity('sensors');
  const ghostEntity = entity('ghost');
  const surfaces = twin.scene.filter((e) => e.kind === 'surface');
  const arrowSets = twin.scene.filter((e) => e.kind === 'arrows');
  const forces = arrowSets.flatMap((e) => (e.forces ?? []).map((f) => ({ ...f, entity: e })));

  const membersRef = useRef<THREE.InstancedMesh>(null);
  const nodesRef = useRef<THREE.InstancedMesh>(null);
  const sensorsRef = useRef<THREE.InstancedMesh>(null);
  const ghostRef = useRef<THREE.InstancedMesh>(null);
  const shaftsRef = useRef<THREE.InstancedMesh>(null);
  const headsRef = useRef<THREE.InstancedMesh>(null);
  const surfaceRefs = useRef<(THREE.BufferGeometry | null)[]>([]);

  // Everything the frame callback needs, computed once per twin: it allocates nothing per frame.
  const prepared = useMemo(() => {
    const field = displacementField(twin);
    const members = twin.members;
    const radii = new Float32Array(members.length);
    members.forEach((m, j) => {
      radii[j] = membersEntity?.radiusByRole?.[m.role] ?? membersEntity?.radius ?? 0.05;
    });
    const colorBy = membersEntity?.colorBy;
    /** The channel each member is coloured by (its first sensor of the kind), or null. */
    const colorChannel = members.map((_, j) => {
      const sensor = twin.sensorsOfMember
        .get(j)
        ?.find((s: TwinSensor) => s.kind === colorBy?.sensor);
      return sensor?.channel ?? null;
    });
    return {
      field,
      radii,
      colorChannel,
      colorBy,
      colorMap: colorBy?.map === 'sequential' ? sequentialColor : divergingColor,
      displacement: new Float32Array(twin.nodeCount * 3),
      positions: new Float32Array(twin.nodeCount * 3),
      ghost: new Float32Array(twin.nodeCount * 3),
      markers: markerPlaces(twin),
      memberColor: new THREE.Color(membersEntity?.color ?? DEFAULTS.member),
      nodeColor: new THREE.Color(nodesEntity?.color ?? DEFAULTS.node),
      sensorColor: new THREE.Color(sensorsEntity?.color ?? DEFAULTS.sensor),
      alertColor: new THREE.Color(sensorsEntity?.alertColor ?? DEFAULTS.alert),
      highlightColor: new THREE.Color(membersEntity?.highlight?.color ?? DEFAULTS.alert),
      rgb: { r: 0, g: 0, b: 0 },
      up: new THREE.Vector3(...twin.camera.up).normalize(),
    };
  }, [twin, membersEntity, nodesEntity, sensorsEntity]);

  useFrame(() => {
    const p = prepared;
    const { selected, showGhost } = viewStore.getState();
    const exaggeration = viewStore.getState().exaggeration ?? twin.displacement?.exaggeration ?? 1;
    p.field((channel) => source.read(channel), p.displacement);
    displacedPositions(twin.nodes, p.displacement, exaggeration, p.positions);
    const pos = p.positions;

    const nodes = nodesRef.current;
    if (nodes && nodesEntity) {
      const selectedNode = selected?.kind === 'node' ? selected.index : -1;
      const m = nodes.instanceMatrix.array as Float32Array;
      for (let i = 0; i < twin.nodeCount; i++) {
        const s = i === selectedNode ? 1.8 : 1;
        writeTranslationScale(m, i, pos[i * 3]!, pos[i * 3 + 1]!, pos[i * 3 + 2]!, s);
      }
      nodes.instanceMatrix.needsUpdate = true;
      if (nodes.userData.selected !== selectedNode) {
        const colors = nodes.instanceColor!;
        const prev = nodes.userData.selected as number | undefined;
        if (prev !== undefined && prev >= 0)
          colors.setXYZ(prev, p.nodeColor.r, p.nodeColor.g, p.nodeColor.b);
        if (selectedNode >= 0) colors.setXYZ(selectedNode, SELECTED.r, SELECTED.g, SELECTED.b);
        colors.needsUpdate = true;
        nodes.userData.selected = selectedNode;
      }
    }

    const members = membersRef.current;
    if (members && membersEntity) {
      const selectedMember = selected?.kind === 'member' ? selected.index : -1;
      const highlight = membersEntity.highlight
        ? Math.round(source.read(membersEntity.highlight.channel))
        : -1;
      const m = members.instanceMatrix.array as Float32Array;
      const c = members.instanceColor!.array as Float32Array;
      const list = twin.members;
      // A plain loop writing straight into the arrays: 10k members a frame, no allocation.
      for (let j = 0; j < list.length; j++) {
        const member = list[j]!;
        const a = member.a * 3;
        const b = member.b * 3;
        writeSegment(
          m,
          j,
          pos[a]!,
          pos[a + 1]!,
          pos[a + 2]!,
          pos[b]!,
          pos[b + 1]!,
          pos[b + 2]!,
          p.radii[j]!,
        );
        const channel = p.colorChannel[j];
        let color: { r: number; g: number; b: number } = p.memberColor;
        if (j === selectedMember) color = SELECTED;
        else if (j === highlight) color = p.highlightColor;
        else if (channel !== null && channel !== undefined && p.colorBy) {
          p.colorMap(source.read(channel), p.colorBy.limit, p.rgb);
          color = p.rgb;
        }
        c[j * 3] = color.r;
        c[j * 3 + 1] = color.g;
        c[j * 3 + 2] = color.b;
      }
      members.instanceMatrix.needsUpdate = true;
      members.instanceColor!.needsUpdate = true;
    }

    const markers = sensorsRef.current;
    if (markers && sensorsEntity) {
      const radius = sensorsEntity.radius ?? 0.16;
      const spread = radius * 2.6;
      const drop = radius * 2.2;
      const alerting = source.alerting();
      const selectedSensor = selected?.kind === 'sensor' ? selected.channel : null;
      const m = markers.instanceMatrix.array as Float32Array;
      const c = markers.instanceColor!.array as Float32Array;
      const { a, b, slot } = p.markers;
      twin.sensors.forEach((sensor, k) => {
        const ia = a[k]! * 3;
        const ib = b[k]! * 3;
        const along = slot[k]! - (ia === ib ? 0.5 : 0);
        const x = (pos[ia]! + pos[ib]!) / 2 + along * spread - p.up.x * drop;
        const y = (pos[ia + 1]! + pos[ib + 1]!) / 2 - p.up.y * drop;
        const z = (pos[ia + 2]! + pos[ib + 2]!) / 2 - p.up.z * drop;
        const isSelected = sensor.channel === selectedSensor;
        writeTranslationScale(m, k, x, y, z, isSelected ? 1.7 : 1);
        const color = isSelected
          ? SELECTED
          : alerting.has(sensor.channel)
            ? p.alertColor
            : p.sensorColor;
        c[k * 3] = color.r;
        c[k * 3 + 1] = color.g;
        c[k * 3 + 2] = color.b;
      });
      markers.instanceMatrix.needsUpdate = true;
      markers.instanceColor!.needsUpdate = true;
    }

    surfaces.forEach((surface, s) => {
      const geometry = surfaceRefs.current[s];
      if (!geometry || !surface.rails) return;
      const [left, right] = surface.rails as [readonly number[], readonly number[]];
      const attr = geometry.getAttribute('position') as THREE.BufferAttribute;
      const out = attr.array as Float32Array;
      const inset = surface.inset ?? 0;
      const lift = surface.lift ?? 0;
      left.forEach((l, i) => {
        const r = right[i]!;
        const dx = pos[r * 3]! - pos[l * 3]!;
        const dy = pos[r * 3 + 1]! - pos[l * 3 + 1]!;
        const dz = pos[r * 3 + 2]! - pos[l * 3 + 2]!;
        const len = Math.sqrt(dx * dx + dy * dy + dz * dz) || 1;
        const f = inset / len;
        for (let k = 0; k < 3; k++) {
          const d = k === 0 ? dx : k === 1 ? dy : dz;
          const lift_k = (k === 0 ? p.up.x : k === 1 ? p.up.y : p.up.z) * lift;
          out[i * 6 + k] = pos[l * 3 + k]! + d * f + lift_k;
          out[i * 6 + 3 + k] = pos[r * 3 + k]! - d * f + lift_k;
        }
      });
      attr.needsUpdate = true;
      geometry.computeVertexNormals();
      geometry.computeBoundingSphere();
    });

    const shafts = shaftsRef.current;
    const heads = headsRef.current;
    if (shafts && heads && forces.length > 0) {
      const sm = shafts.instanceMatrix.array as Float32Array;
      const hm = heads.instanceMatrix.array as Float32Array;
      forces.forEach((f, k) => {
        const [dx, dy, dz] = f.entity.direction ?? [0, 0, 1];
        const value = source.read(f.channel);
        const length = Number.isFinite(value) ? value * (f.entity.scale ?? 1) : 0;
        const radius = f.entity.radius ?? 0.04;
        const n = f.node * 3;
        // The arrow's tip touches the node; its tail is `length` back along the force.
        const tx = pos[n]!;
        const ty = pos[n + 1]!;
        const tz = pos[n + 2]!;
        const head = Math.min(Math.abs(length), radius * 5) * Math.sign(length);
        const bx = tx - dx * head;
        const by = ty - dy * head;
        const bz = tz - dz * head;
        writeSegment(
          sm,
          k,
          tx - dx * length,
          ty - dy * length,
          tz - dz * length,
          bx,
          by,
          bz,
          radius,
        );
        writeSegment(hm, k, bx, by, bz, tx, ty, tz, radius * 2.4);
      });
      shafts.instanceMatrix.needsUpdate = true;
      heads.instanceMatrix.needsUpdate = true;
    }

    const ghost = ghostRef.current;
    if (ghost && ghostEntity) {
      const frame = showGhost ? source.simulated() : null;
      ghost.visible = frame !== null;
      if (frame) {
        displacedPositions(twin.nodes, frame, exaggeration, p.ghost);
        const g = p.ghost;
        const m = ghost.instanceMatrix.array as Float32Array;
        // A little wider than the member it shadows, unless the file gives its radius.
        const radius = ghostEntity.radius;
        twin.members.forEach((member, j) => {
          const a = member.a * 3;
          const b = member.b * 3;
          const r = radius ?? p.radii[j]! * 1.35;
          writeSegment(m, j, g[a]!, g[a + 1]!, g[a + 2]!, g[b]!, g[b + 1]!, g[b + 2]!, r);
        });
        ghost.instanceMatrix.needsUpdate = true;
      }
    }
  });

  const instanceColors = (count: number, color: THREE.Color) => {
    const array = new Float32Array(count * 3);
    for (let i = 0; i < count; i++) array.set([color.r, color.g, color.b], i * 3);
    return array;
  };

  return (
    <group>
      {membersEntity && (
        <instancedMesh
          ref={membersRef}
          args={[undefined, undefined, twin.members.length]}
          frustumCulled={false}
          onClick={(e) => {
            e.stopPropagation();
            if (e.instanceId !== undefined) select({ kind: 'member', index: e.instanceId });
          }}
        >
          <primitive object={memberTube} attach="geometry" />
          <meshStandardMaterial
            metalness={membersEntity.metalness ?? 0.55}
            roughness={membersEntity.roughness ?? 0.4}
            transparent={membersEntity.opacity !== undefined && membersEntity.opacity < 1}
            opacity={membersEntity.opacity ?? 1}
          />
          <instancedBufferAttribute
            attach="instanceColor"
            args={[instanceColors(twin.members.length, prepared.memberColor), 3]}
          />
        </instancedMesh>
      )}
      {nodesEntity && (
        <instancedMesh
          ref={nodesRef}
          args={[
            markerGeometry(nodesEntity.shape ?? 'sphere', nodesEntity.radius ?? 0.1),
            undefined,
            twin.nodeCount,
          ]}
          frustumCulled={false}
          onClick={(e) => {
            e.stopPropagation();
            if (e.instanceId !== undefined) select({ kind: 'node', index: e.instanceId });
          }}
        >
          <meshStandardMaterial
            metalness={nodesEntity.metalness ?? 0.6}
            roughness={nodesEntity.roughness ?? 0.35}
          />
          <instancedBufferAttribute
            attach="instanceColor"
            args={[instanceColors(twin.nodeCount, prepared.nodeColor), 3]}
          />
        </instancedMesh>
      )}
      {sensorsEntity && twin.sensors.length > 0 && (
        <instancedMesh
          ref={sensorsRef}
          args={[
            markerGeometry(sensorsEntity.shape ?? 'octahedron', sensorsEntity.radius ?? 0.16),
            undefined,
            twin.sensors.length,
          ]}
          frustumCulled={false}
          onClick={(e) => {
            e.stopPropagation();
            const sensor = e.instanceId === undefined ? undefined : twin.sensors[e.instanceId];
            if (sensor) select({ kind: 'sensor', channel: sensor.channel });
          }}
        >
          <meshStandardMaterial
            emissive={sensorsEntity.color ?? DEFAULTS.sensor}
            emissiveIntensity={0.35}
            roughness={sensorsEntity.roughness ?? 0.5}
            metalness={sensorsEntity.metalness ?? 0}
          />
          <instancedBufferAttribute
            attach="instanceColor"
            args={[instanceColors(twin.sensors.length, prepared.sensorColor), 3]}
          />
        </instancedMesh>
      )}
      {forces.length > 0 && (
        <>
          <instancedMesh
            ref={shaftsRef}
            args={[undefined, undefined, forces.length]}
            frustumCulled={false}
            raycast={() => null}
          >
            <cylinderGeometry args={[1, 1, 1, 8]} />
            <meshStandardMaterial color={arrowSets[0]?.color ?? DEFAULTS.arrow} roughness={0.6} />
          </instancedMesh>
          <instancedMesh
            ref={headsRef}
            args={[undefined, undefined, forces.length]}
            frustumCulled={false}
            raycast={() => null}
          >
            <cylinderGeometry args={[0, 1, 1, 12]} />
            <meshStandardMaterial color={arrowSets[0]?.color ?? DEFAULTS.arrow} roughness={0.6} />
          </instancedMesh>
        </>
      )}
      {ghostEntity && (
        <instancedMesh
          ref={ghostRef}
          args={[undefined, undefined, twin.members.length]}
          frustumCulled={false}
          raycast={() => null}
        >
          <cylinderGeometry args={[1, 1, 1, 6]} />
          <meshBasicMaterial
            color={ghostEntity.color ?? DEFAULTS.ghost}
            transparent
            opacity={ghostEntity.opacity ?? 0.28}
            depthWrite={false}
          />
        </instancedMesh>
      )}
      {surfaces.map((surface, s) => {
        const count = surface.rails?.[0]?.length ?? 0;
        const index: number[] = [];
        for (let i = 0; i + 1 < count; i++) {
          const [l0, r0, l1, r1] = [2 * i, 2 * i + 1, 2 * i + 2, 2 * i + 3];
          index.push(l0, l1, r0, r0, l1, r1);
        }
        return (
          <mesh key={s} frustumCulled={false} raycast={() => null}>
            <bufferGeometry
              ref={(g) => {
                surfaceRefs.current[s] = g as THREE.BufferGeometry | null;
              }}
            >
              <bufferAttribute
                attach="attributes-position"
                args={[new Float32Array(count * 2 * 3), 3]}
              />
              <bufferAttribute attach="index" args={[new Uint32Array(index), 1]} />
            </bufferGeometry>
            <meshStandardMaterial
              color={surface.color ?? '#a8a29e'}
              roughness={surface.roughness ?? 0.85}
              metalness={surface.metalness ?? 0}
              side={THREE.DoubleSide}
              transparent={surface.opacity !== undefined && surface.opacity < 1}
              opacity={surface.opacity ?? 1}
            />
          </mesh>
        );
      })}
    </group>
  );
}

/**
 * A twin drawn from its twin file: primitives, and the structure's instanced sets (members,
 * nodes, sensors, force arrows, surfaces, the simulated ghost) moved and coloured every frame
 * from `source`. Click selects a member, node or sensor (viewStore); a click on nothing clears.
 */
export function TwinCanvas({
  twin,
  source,
  children,
}: StructureProps & {
  /** More of the scene, drawn in the same canvas (e.g. a probe reading the camera). */
  readonly children?: ReactNode;
}) {
  const antialias = useRenderQuality((s) => s.antialias);
  const judging = useRenderQuality((s) => s.auto?.verdict === 'pending');
  return (
    <Canvas
      // A WebGL context's antialiasing is fixed when it is created: switching makes a new one.
      key={antialias ? 'msaa' : 'no-msaa'}
      className="bridge-canvas"
      camera={{
        position: [...twin.camera.position],
        up: [...twin.camera.up],
        fov: twin.camera.fov,
        near: 0.1,
        far: 2000,
      }}
      dpr={[1, 2]}
      gl={{ antialias }}
      onPointerMissed={() => select(null)}
    >
      {judging && antialias && <FrameRateWatch />}
      <color attach="background" args={[twin.background]} />
      <fog attach="fog" args={[twin.background, 60, 400]} />
      <hemisphereLight args={['#e0f2fe', '#1e293b', 1.1]} />
      <directionalLight position={[15, -25, 35]} intensity={1.6} />
      <Controls twin={twin} />
      {twin.scene.map((entity, i) =>
        entity.kind === 'box' ||
        entity.kind === 'plane' ||
        entity.kind === 'sphere' ||
        entity.kind === 'cylinder' ? (
          <Primitive key={entity.id ?? i} entity={entity} />
        ) : null,
      )}
      <Structure twin={twin} source={source} />
      {children}
    </Canvas>
  );
}
