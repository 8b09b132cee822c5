// The kernel as text, for Vite and Vitest (`?raw`). Plain Node reads pidPlant.wgsl itself,
// or goes through the manifest (model.yaml).
import pidPlantWgsl from './pidPlant.wgsl?raw';

export { pidPlantWgsl };
