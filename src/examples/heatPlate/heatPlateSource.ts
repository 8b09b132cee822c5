// The kernel as text, for Vite and Vitest (`?raw`). Plain Node reads heatPlate.wgsl itself,
// or goes through the manifest (model.yaml).
import heatPlateWgsl from './heatPlate.wgsl?raw';

export { heatPlateWgsl };
