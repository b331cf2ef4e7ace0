// @flywheel/core: pure functions only. No I/O, no other internal lib
// (see README.md for the import rule).

// Content hashing
export { canonicalJson } from './hashing/canonical-json';
export { contentHash } from './hashing/content-hash';

// Assignment hashing
export { md5Hex, md5Prefix32 } from './hashing/md5';
export { normaliseWeights, pickVariant } from './hashing/weights';
export {
  assign,
  assignMany,
  assignmentBucket,
  checkLayerSlices,
  inLayerSlice,
  inTrafficAllocation,
  layerBucket,
  trafficBucket,
} from './hashing/assignment';
export type { AssignInput, Assignment, AssignmentHashVersion, LayerSlice } from './hashing/assignment';

// Sufficient statistics
export {
  addObservation,
  addOutcome,
  emptyMoments,
  emptyProportions,
  meanOf,
  mergeMoments,
  mergeProportions,
  momentsOf,
  proportionAsMoments,
  proportionsOf,
  varianceOf,
} from './stats/moments';
export type { MomentStats, ProportionStats } from './stats/moments';

// Summaries and comparisons
export { summarize } from './stats/summary';
export type { Summary } from './stats/summary';
export type { Comparison } from './stats/comparison';
export { welchTTest } from './stats/welch';
export { twoProportionTest } from './stats/two-proportion';
export { mannWhitneyU, mannWhitneyUFromCounts } from './stats/mann-whitney';
export type { MannWhitneyResult } from './stats/mann-whitney';
export { sampleRatioMismatch } from './stats/srm';
export type { SampleRatioMismatch } from './stats/srm';

// Planning, sequential testing, multiple comparisons, Bayesian view
export { sampleSizeForMeans, sampleSizeForProportions, samplesStillNeeded } from './stats/sample-size';
export type { MeansPlan, ProportionsPlan } from './stats/sample-size';
export { confidenceSequence } from './stats/confidence-sequence';
export type { ConfidenceSequenceOptions, ConfidenceSequenceResult } from './stats/confidence-sequence';
export { benjaminiHochberg, holm } from './stats/multiple-comparisons';
export {
  probabilityToBeatControl,
  probabilityToBeatControlMeans,
  probabilityToBeatControlProportions,
} from './stats/bayesian';
export type { BayesianOptions, BetaPriorOptions } from './stats/bayesian';
export { betaDraw, gammaDraw, normalDraw, seededRandom } from './stats/random';
export type { RandomSource } from './stats/random';

// Distribution functions (thin wrappers over @stdlib)
export { chiSquareSurvival, normalCdf, normalQuantile, tCdf, tQuantile } from './stats/distributions';

// Prompt templates and content identity (used by the prompt subgraph and the client SDK)
export { parseTemplate, renderTemplate, templateVariables, TemplateError } from './prompt/template';
export type { TemplatePart } from './prompt/template';
export { MODEL_CONFIG_DEFAULTS, normaliseModelConfig, promptVersionHash } from './prompt/prompt-content';
export type { FewShotExample, ModelConfig, ModelConfigInput } from './prompt/prompt-content';
