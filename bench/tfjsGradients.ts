/**
 * The gradient functions tfjs needs for the truss loss (bench/tfjsTruss.ts). tfjs-core's Node
 * build (dist/tf-core.node.js) registers kernels but no gradients: the union package
 * `@tensorflow/tfjs` imports `@tensorflow/tfjs-core/dist/register_all_gradients` for that, and
 * Node cannot load that ESM tree (extensionless and directory imports: tsx stops at
 * `dist/base.js` importing './gradients'). The per-op configs load fine, and tfjs keeps its
 * gradient registry on the global object, so registering them here serves the Node build too.
 */
import './nodeRequire.ts';
import * as tf from '@tensorflow/tfjs-core';
import { addGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Add_grad';
import { gatherGradConfig } from '@tensorflow/tfjs-core/dist/gradients/GatherV2_grad';
import { multiplyGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Multiply_grad';
import { divGradConfig } from '@tensorflow/tfjs-core/dist/gradients/RealDiv_grad';
import { reshapeGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Reshape_grad';
import { sqrtGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Sqrt_grad';
import { squareGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Square_grad';
import { subGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Sub_grad';
import { sumGradConfig } from '@tensorflow/tfjs-core/dist/gradients/Sum_grad';
import { unsortedSegmentSumGradConfig } from '@tensorflow/tfjs-core/dist/gradients/UnsortedSegmentSum_grad';

let registered = false;

export function registerTrussGradients(): void {
  if (registered) return;
  registered = true;
  for (const config of [
    addGradConfig,
    subGradConfig,
    multiplyGradConfig,
    divGradConfig,
    sqrtGradConfig,
    squareGradConfig,
    sumGradConfig,
    reshapeGradConfig,
    gatherGradConfig,
    unsortedSegmentSumGradConfig,
  ])
    tf.registerGradient(config);
}
