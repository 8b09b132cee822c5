/**
 * The peer: the same twin drawn the way a three.js user writes it without instancing — one Mesh
 * per member, node and sensor marker, a material of its own for each member a strain gauge
 * colours, moved every frame through `position`/`quaternion`/`scale` and rendered by a plain
 * WebGLRenderer in a requestAnimationFrame loop. It reads the same source with the app's own
 * displacement field and colour map, so only the scene side differs from TwinCanvas; lights,
 * fog, camera, tone mapping and antialiasing (as TwinCanvas draws in this run) are TwinCanvas's.
 */
import * as THREE from 'three';
import { divergingColor } from '../../src/viewer/colorMap.ts';
import { displacementField } from '../../src/viewer/twin/twinDisplacement.ts';
import type { Twin } from '../../src/viewer/twin/twinFile.ts';

export interface BaselineScene {
  dispose(): void;
}

/**
 * Mounts the baseline in `container`; `onFrame(start, end)` is told of every frame: the start of
 * its requestAnimationFrame callback and the end of `renderer.render` (TwinCanvas's frame probe
 * spans the same work).
 */
export function mountBaseline(
  container: HTMLElement,
  twin: Twin,
  read: (channel: string) => number,
  onFrame: (start: number, end: number) => void,
  antialias: boolean,
): BaselineScene {
  const width = container.clientWidth;
  const height = container.clientHeight;
  const renderer = new THREE.WebGLRenderer({ antialias });
  renderer.setPixelRatio(Math.min(2, Math.max(1, window.devicePixelRatio)));
  renderer.setSize(width, height);
  renderer.toneMapping = THREE.ACESFilmicToneMapping;
  container.appendChild(renderer.domElement);

  const scene = new THREE.Scene();
  scene.background = new THREE.Color(twin.background);
  scene.fog = new THREE.Fog(twin.background, 60, 400);
  scene.add(new THREE.HemisphereLight('#e0f2fe', '#1e293b', 1.1));
  const sun = new THREE.DirectionalLight('#ffffff', 1.6);
  sun.position.set(15, -25, 35);
  scene.add(sun);
  const camera = new THREE.PerspectiveCamera(twin.camera.fov, width / height, 0.1, 2000);
  camera.up.set(...twin.camera.up);
  camera.position.set(...twin.camera.position);
  camera.lookAt(...twin.camera.target);

  const entity = (kind: string) => twin.scene.find((e) => e.kind === kind);
  const membersEntity = entity('members');
  const nodesEntity = entity('nodes');
  const sensorsEntity = entity('sensors');
  const limit = membersEntity?.colorBy?.limit ?? 1;
  const radius = membersEntity?.radius ?? 0.05;
  const markerRadius = sensorsEntity?.radius ?? 0.16;

  const cylinder = new THREE.CylinderGeometry(1, 1, 1, 10);
  const steel = new THREE.MeshStandardMaterial({
    color: membersEntity?.color ?? '#8ea3bd',
    metalness: membersEntity?.metalness ?? 0.55,
    roughness: membersEntity?.roughness ?? 0.4,
  });
  const gauge = twin.members.map(
    (_, j) => twin.sensorsOfMember.get(j)?.find((s) => s.kind === 'strain')?.channel ?? null,
  );
  const members = twin.members.map((_, j) => {
    const material = gauge[j] === null ? steel : steel.clone();
    const mesh = new THREE.Mesh(cylinder, material);
    scene.add(mesh);
    return mesh;
  });
  const sphere = new THREE.SphereGeometry(nodesEntity?.radius ?? 0.1, 12, 8);
  const nodeMaterial = new THREE.MeshStandardMaterial({
    color: nodesEntity?.color ?? '#cbd5e1',
    metalness: 0.6,
    roughness: 0.35,
  });
  const nodes = Array.from({ length: twin.nodeCount }, () => {
    const mesh = new THREE.Mesh(sphere, nodeMaterial);
    scene.add(mesh);
    return mesh;
  });
  const octahedron = new THREE.OctahedronGeometry(markerRadius, 0);
  const markerMaterial = new THREE.MeshStandardMaterial({
    color: sensorsEntity?.color ?? '#22d3ee',
    emissive: sensorsEntity?.color ?? '#22d3ee',
    emissiveIntensity: 0.35,
  });
  const markers = twin.sensors.map(() => {
    const mesh = new THREE.Mesh(octahedron, markerMaterial);
    scene.add(mesh);
    return mesh;
  });

  const field = displacementField(twin);
  const displacement = new Float32Array(twin.nodeCount * 3);
  const exaggeration = twin.displacement?.exaggeration ?? 1;
  const a = new THREE.Vector3();
  const b = new THREE.Vector3();
  const direction = new THREE.Vector3();
  const yAxis = new THREE.Vector3(0, 1, 0);
  const down = new THREE.Vector3(...twin.camera.up).normalize().multiplyScalar(-markerRadius * 2.2);
  const rgb = { r: 0, g: 0, b: 0 };
  const place = (node: number, out: THREE.Vector3) =>
    out.set(
      twin.nodes[node * 3]! + exaggeration * displacement[node * 3]!,
      twin.nodes[node * 3 + 1]! + exaggeration * displacement[node * 3 + 1]!,
      twin.nodes[node * 3 + 2]! + exaggeration * displacement[node * 3 + 2]!,
    );

  let frame = 0;
  const draw = () => {
    const start = performance.now();
    field(read, displacement);
    nodes.forEach((mesh, i) => place(i, mesh.position));
    twin.members.forEach((member, j) => {
      const mesh = members[j]!;
      place(member.a, a);
      place(member.b, b);
      mesh.position.addVectors(a, b).multiplyScalar(0.5);
      direction.subVectors(b, a);
      const length = direction.length();
      mesh.quaternion.setFromUnitVectors(yAxis, direction.divideScalar(length || 1));
      mesh.scale.set(radius, length, radius);
      const channel = gauge[j];
      if (channel !== null && channel !== undefined) {
        divergingColor(read(channel), limit, rgb);
        mesh.material.color.setRGB(rgb.r, rgb.g, rgb.b);
      }
    });
    twin.sensors.forEach((sensor, k) => {
      const [ia, ib] =
        sensor.member >= 0
          ? [twin.members[sensor.member]!.a, twin.members[sensor.member]!.b]
          : [sensor.node, sensor.node];
      place(ia, a);
      place(ib, b);
      markers[k]!.position.addVectors(a, b).multiplyScalar(0.5).add(down);
    });
    renderer.render(scene, camera);
    onFrame(start, performance.now());
    frame = requestAnimationFrame(draw);
  };
  frame = requestAnimationFrame(draw);

  return {
    dispose() {
      cancelAnimationFrame(frame);
      scene.traverse((object) => {
        if (object instanceof THREE.Mesh && object.material !== steel)
          (object.material as THREE.Material).dispose();
      });
      for (const disposable of [cylinder, sphere, octahedron, steel, nodeMaterial])
        disposable.dispose();
      renderer.dispose();
      renderer.forceContextLoss();
      renderer.domElement.remove();
    },
  };
}
