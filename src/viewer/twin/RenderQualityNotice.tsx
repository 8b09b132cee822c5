import { setAntialiasMode, useRenderQuality, type AntialiasMode } from './renderQuality.ts';

function framesPerSecond(medianMs: number): string {
  const fps = 1000 / medianMs;
  return fps >= 10 ? fps.toFixed(0) : fps.toPrecision(2);
}

/**
 * Says when the 3D view draws without antialiasing and why, with the choice to change it. Shown
 * only when `auto` turned it off or the user chose; a GPU that keeps up shows nothing.
 */
export function RenderQualityNotice() {
  const mode = useRenderQuality((s) => s.mode);
  const auto = useRenderQuality((s) => s.auto);
  if (mode === 'auto' && auto?.verdict !== 'off') return null;
  const text =
    auto?.verdict === 'off'
      ? `Antialiasing off: with it, this GPU drew ${framesPerSecond(auto.medianMs)} frames/s`
      : `Antialiasing ${mode} (your choice)`;
  return (
    <label className="render-quality" data-testid="render-quality">
      <span>{text}</span>
      <select
        aria-label="Antialiasing"
        value={mode}
        onChange={(e) => setAntialiasMode(e.target.value as AntialiasMode)}
      >
        <option value="auto">Auto</option>
        <option value="on">On</option>
        <option value="off">Off</option>
      </select>
    </label>
  );
}
