import { Canvas, useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo, useRef } from 'react';
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { useWorkbench } from '../app/WorkbenchContext.tsx';
import { sceneProbe } from '../app/testHook.ts';
import { FOOTBRIDGE, FOOTBRIDGE_SPAN } from '../twin/footbridge.ts';
import type { MemberRole } from '../twin/trussModel.ts';
import { nodeDisplacements } from '../twin/deformation.ts';
import { readDeflection } from './bridgeReadings.ts';
import { divergingColor } from './colorMap.ts';
import { footbridgeEntities } from './footbridgeEntities.ts';
import { select, viewStore } from './viewStore.ts';

const RADIUS: Record<MemberRole, number> = {
  bottomChord: 0.09,
  topChord: 0.09,
  endPost: 0.09,
  vertical: 0.06,
  diagonal: 0.06,
  floorBeam: 0.06,
  deckBracing: 0.03,
  topStrut: 0.045,
  topBracing: 0.03,
  swayBracing: 0.03,
};
const STEEL = new THREE.Color('#8ea3bd');
const STEEL_LIGHT = new THREE.Color('#cbd5e1');
const IDENTITY = new THREE.Quaternion();
const DAMAGED = new THREE.Color('#f43f5e');
const SELECTED = new THREE.Color('#facc15');
const SENSOR = new THREE.Color('#22d3ee');
const SENSOR_ALERT = new THREE.Color('#f43f5e');
const GHOST = new THREE.Color('#c4b5fd');
/** Marker size and how far markers sharing a joint are spread apart, m. */
const MARKER_SIZE = 0.32;
const MARKER_SPREAD = 0.42;

interface MemberScratch {
  readonly a: THREE.Vector3;
  readonly b: THREE.Vector3;
  readonly mid: THREE.Vector3;
  readonly dir: THREE.Vector3;
  readonly up: THREE.Vector3;
  readonly scale: THREE.Vector3;
  readonly quaternion: THREE.Quaternion;
  readonly matrix: THREE.Matrix4;
}

/** The transform of a unit cylinder drawn from joint `a` to joint `b` of `positions` (in scratch). */
function memberMatrix(
  scratch: MemberScratch,
  positions: Float32Array,
  a: number,
  b: number,
  radius: number,
): THREE.Matrix4 {
  scratch.a.fromArray(positions, a * 3);
  scratch.b.fromArray(positions, b * 3);
  scratch.mid.addVectors(scratch.a, scratch.b).multiplyScalar(0.5);
  scratch.dir.subVectors(scratch.b, scratch.a);
  const length = scratch.dir.length();
  scratch.quaternion.setFromUnitVectors(scratch.up, scratch.dir.divideScalar(length));
  scratch.scale.set(radius, length, radius);
  return scratch.matrix.compose(scratch.mid, scratch.quaternion, scratch.scale);
}

function Controls() {
  const { camera, gl, invalidate } = useThree();
  useEffect(() => {
    const controls = new OrbitControls(camera, gl.domElement);
    controls.target.set(FOOTBRIDGE_SPAN / 2, FOOTBRIDGE.width / 2, 0.5);
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
      cancelAnimationFrame(frame);
      controls.removeEventListener('change', onChange);
      controls.dispose();
    };
  }, [camera, gl, invalidate]);
  return null;
}

function Site() {
  const bankLength = 30;
  return (
    <group>
      {/* River banks and abutments */}
      {[-1, 1].map((side) => {
        const x = side < 0 ? -bankLength / 2 - 1.5 : FOOTBRIDGE_SPAN + bankLength / 2 + 1.5;
        return (
          <group key={side}>
            <mesh position={[x, FOOTBRIDGE.width / 2, -0.6]} receiveShadow>
              <boxGeometry args={[bankLength, 40, 1.2]} />
              <meshStandardMaterial color="#334155" roughness={1} />
            </mesh>
            <mesh
              position={[side < 0 ? -0.75 : FOOTBRIDGE_SPAN + 0.75, FOOTBRIDGE.width / 2, -2.2]}
            >
              <boxGeometry args={[1.5, FOOTBRIDGE.width + 1.2, 4.4]} />
              <meshStandardMaterial color="#64748b" roughness={0.9} />
            </mesh>
          </group>
        );
      })}
      <mesh position={[FOOTBRIDGE_SPAN / 2, FOOTBRIDGE.width / 2, -4.2]}>
        <planeGeometry args={[FOOTBRIDGE_SPAN + 4, 40]} />
        <meshStandardMaterial color="#0e4a6e" roughness={0.35} metalness={0.1} />
      </mesh>
    </group>
  );
}

function Bridge() {
  const workbench = useWorkbench();
  const entities = footbridgeEntities();
  const { def, sensors } = entities;
  const gauges = useMemo(() => {
    const map = new Map<number, string>();
    for (const sensor of sensors) if (sensor.kind === 'strain') map.set(sensor.member, sensor.id);
    return map;
  }, [sensors]);
  const membersRef = useRef<THREE.InstancedMesh>(null);
  const sensorsRef = useRef<THREE.InstancedMesh>(null);
  const ghostRef = useRef<THREE.InstancedMesh>(null);
  const nodesRef = useRef<THREE.InstancedMesh>(null);
  const deckRef = useRef<THREE.BufferGeometry>(null);
  const bottomPairs = useMemo(() => {
    const pairs: [number, number][] = [];
    for (let i = 0; i <= FOOTBRIDGE.panels; i++) pairs.push([i, 2 * FOOTBRIDGE.panels + i]);
    return pairs;
  }, []);

  // Preallocated once: the frame loop below allocates nothing.
  const scratch = useMemo(
    () => ({
      displacement: new Float32Array(def.nodes.length * 3),
      positions: new Float32Array(def.nodes.length * 3),
      ghost: new Float32Array(def.nodes.length * 3),
      matrix: new THREE.Matrix4(),
      a: new THREE.Vector3(),
      b: new THREE.Vector3(),
      mid: new THREE.Vector3(),
      dir: new THREE.Vector3(),
      up: new THREE.Vector3(0, 1, 0),
      scale: new THREE.Vector3(),
      quaternion: new THREE.Quaternion(),
      color: new THREE.Color(),
      rgb: { r: 0, g: 0, b: 0 },
    }),
    [def],
  );

  const deckIndex = useMemo(() => {
    const index: number[] = [];
    for (let i = 0; i < FOOTBRIDGE.panels; i++) {
      const [l0, r0, l1, r1] = [2 * i, 2 * i + 1, 2 * i + 2, 2 * i + 3];
      index.push(l0, l1, r0, r0, l1, r1);
    }
    return index;
  }, []);

  useFrame(() => {
    const members = membersRef.current;
    const nodes = nodesRef.current;
    const deck = deckRef.current;
    if (!members || !nodes || !deck) return;
    const { exaggeration, strainLimit, selected, showGhost } = viewStore.getState();
    const selectedMember = selected?.kind === 'member' ? selected.index : -1;
    const selectedNode = selected?.kind === 'node' ? selected.index : -1;
    const selectedSensor = selected?.kind === 'sensor' ? selected.channel : null;
    // Live telemetry, or the recording at the playback cursor.
    const telemetry = workbench.display();
    const readings = readDeflection(telemetry);
    nodeDisplacements(readings, def.nodes, scratch.displacement);
    const p = scratch.positions;
    def.nodes.forEach((node, i) => {
      p[i * 3] = node.position[0] + exaggeration * scratch.displacement[i * 3]!;
      p[i * 3 + 1] = node.position[1] + exaggeration * scratch.displacement[i * 3 + 1]!;
      p[i * 3 + 2] = node.position[2] + exaggeration * scratch.displacement[i * 3 + 2]!;
      const r = i === selectedNode ? 1.8 : 1;
      scratch.matrix.makeScale(r, r, r).setPosition(p[i * 3]!, p[i * 3 + 1]!, p[i * 3 + 2]!);
      nodes.setMatrixAt(i, scratch.matrix);
      nodes.setColorAt(i, i === selectedNode ? SELECTED : STEEL_LIGHT);
    });
    if (nodes.instanceColor) nodes.instanceColor.needsUpdate = true;
    const damaged = Math.round(telemetry.latest('status.damaged_member'));
    def.members.forEach((member, j) => {
      members.setMatrixAt(j, memberMatrix(scratch, p, member.a, member.b, RADIUS[member.role]));
      const gauge = gauges.get(j);
      if (j === selectedMember) scratch.color.copy(SELECTED);
      else if (j === damaged) scratch.color.copy(DAMAGED);
      else if (gauge) {
        divergingColor(telemetry.latest(gauge), strainLimit, scratch.rgb);
        scratch.color.setRGB(scratch.rgb.r, scratch.rgb.g, scratch.rgb.b);
      } else scratch.color.copy(STEEL);
      members.setColorAt(j, scratch.color);
    });
    members.instanceMatrix.needsUpdate = true;
    if (members.instanceColor) members.instanceColor.needsUpdate = true;
    nodes.instanceMatrix.needsUpdate = true;
    const deckPositions = deck.getAttribute('position') as THREE.BufferAttribute;
    bottomPairs.forEach(([l, r], i) => {
      deckPositions.setXYZ(2 * i, p[l * 3]!, p[l * 3 + 1]! + 0.1, p[l * 3 + 2]! + 0.08);
      deckPositions.setXYZ(2 * i + 1, p[r * 3]!, p[r * 3 + 1]! - 0.1, p[r * 3 + 2]! + 0.08);
    });
    deckPositions.needsUpdate = true;
    deck.computeVertexNormals();
    deck.computeBoundingSphere();
    const markers = sensorsRef.current;
    if (markers) {
      const alerting = workbench.shadowAlerting();
      sensors.forEach((sensor, k) => {
        const at = entities.markerOf.get(sensor.id)!;
        scratch.a.fromArray(p, at.a * 3);
        scratch.b.fromArray(p, at.b * 3);
        scratch.mid.addVectors(scratch.a, scratch.b).multiplyScalar(0.5);
        // Markers sit just below the joint or member, spread along the span when they share one.
        scratch.mid.x += (at.slot - 0.5 * (at.a === at.b ? 1 : 0)) * MARKER_SPREAD;
        scratch.mid.z -= 0.35;
        const size = sensor.id === selectedSensor ? 1.7 : 1;
        scratch.scale.set(size, size, size);
        scratch.matrix.compose(scratch.mid, IDENTITY, scratch.scale);
        markers.setMatrixAt(k, scratch.matrix);
        markers.setColorAt(
          k,
          sensor.id === selectedSensor ? SELECTED : alerting.has(sensor.id) ? SENSOR_ALERT : SENSOR,
        );
      });
      markers.instanceMatrix.needsUpdate = true;
      if (markers.instanceColor) markers.instanceColor.needsUpdate = true;
    }
    const ghost = ghostRef.current;
    const frame = showGhost ? workbench.shadowDisplacement() : null;
    if (ghost) {
      ghost.visible = frame !== null;
      if (frame) {
        const g = scratch.ghost;
        def.nodes.forEach((node, i) => {
          for (let axis = 0; axis < 3; axis++)
            g[i * 3 + axis] = node.position[axis]! + exaggeration * frame[i * 3 + axis]!;
        });
        def.members.forEach((member, j) => {
          ghost.setMatrixAt(
            j,
            memberMatrix(scratch, g, member.a, member.b, RADIUS[member.role] * 1.35),
          );
        });
        ghost.instanceMatrix.needsUpdate = true;
      }
    }
    sceneProbe.frames += 1;
    sceneProbe.deflectionMm = readings.vertical.L[1];
  });

  return (
    <group>
      <instancedMesh
        ref={membersRef}
        args={[undefined, undefined, def.members.length]}
        frustumCulled={false}
        onClick={(e) => {
          e.stopPropagation();
          if (e.instanceId !== undefined) select({ kind: 'member', index: e.instanceId });
        }}
      >
        <cylinderGeometry args={[1, 1, 1, 10]} />
        <meshStandardMaterial metalness={0.55} roughness={0.4} />
      </instancedMesh>
      <instancedMesh
        ref={nodesRef}
        args={[undefined, undefined, def.nodes.length]}
        frustumCulled={false}
        onClick={(e) => {
          e.stopPropagation();
          if (e.instanceId !== undefined) select({ kind: 'node', index: e.instanceId });
        }}
      >
        <sphereGeometry args={[0.13, 12, 8]} />
        <meshStandardMaterial metalness={0.6} roughness={0.35} />
      </instancedMesh>
      <instancedMesh
        ref={sensorsRef}
        args={[undefined, undefined, sensors.length]}
        frustumCulled={false}
        onClick={(e) => {
          e.stopPropagation();
          const sensor = e.instanceId === undefined ? undefined : sensors[e.instanceId];
          if (sensor) select({ kind: 'sensor', channel: sensor.id });
        }}
      >
        <octahedronGeometry args={[MARKER_SIZE / 2, 0]} />
        <meshStandardMaterial emissive="#0e7490" emissiveIntensity={0.6} roughness={0.5} />
      </instancedMesh>
      <instancedMesh
        ref={ghostRef}
        args={[undefined, undefined, def.members.length]}
        frustumCulled={false}
        raycast={() => null}
      >
        <cylinderGeometry args={[1, 1, 1, 6]} />
        <meshBasicMaterial color={GHOST} transparent opacity={0.28} depthWrite={false} />
      </instancedMesh>
      <mesh frustumCulled={false}>
        <bufferGeometry ref={deckRef}>
          <bufferAttribute
            attach="attributes-position"
            args={[new Float32Array((FOOTBRIDGE.panels + 1) * 2 * 3), 3]}
          />
          <bufferAttribute attach="index" args={[new Uint16Array(deckIndex), 1]} />
        </bufferGeometry>
        <meshStandardMaterial
          color="#a8a29e"
          roughness={0.85}
          side={THREE.DoubleSide}
          transparent
          opacity={0.85}
        />
      </mesh>
    </group>
  );
}

/** The live 3D footbridge: drawn every frame from the latest displacement and strain readings. */
export function BridgeView() {
  return (
    <Canvas
      className="bridge-canvas"
      camera={{ position: [8, -46, 16], up: [0, 0, 1], fov: 38, near: 0.1, far: 500 }}
      dpr={[1, 2]}
      gl={{ antialias: true, preserveDrawingBuffer: true }}
      onPointerMissed={() => select(null)}
    >
      <color attach="background" args={['#0b1220']} />
      <fog attach="fog" args={['#0b1220', 60, 160]} />
      <hemisphereLight args={['#e0f2fe', '#1e293b', 1.1]} />
      <directionalLight position={[15, -25, 35]} intensity={1.6} />
      <Controls />
      <Site />
      <Bridge />
    </Canvas>
  );
}
