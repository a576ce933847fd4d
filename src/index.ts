/** nas-assay's library API. */
// the declarations use Node's types (Buffer, NodeJS.ErrnoException): a consumer whose tsconfig loads no
// @types by itself ("types": [], or TypeScript 7's default) failed inside them (found by tester S);
// preserve="true": TypeScript 5.5 on drops a written reference from the declarations otherwise
/// <reference types="node" preserve="true" />
export { type Benchmark, loadBenchmark, requireBenchmark, targetValues } from "./benchmark.js";
export { cacheDir, type DataDir, dataDir, dataFile } from "./data/locations.js";
export { type NpyArray, readNpy, readNpyVector, writeNpy } from "./data/npy.js";
export { accuracyLike } from "./data/target-name.js";
export { encodeTfRecord, readTfRecords, type TfRecord } from "./data/tfrecord.js";
export { type LabelScale, readUserLabels, type UserLabels } from "./data/user-labels.js";
export { BadFileError, InvalidCellError, UserError } from "./errors.js";
export {
  type EvaluationResult,
  type EvaluationSpec,
  evaluate,
  type Scores,
  type SeedResult,
  type Summary as EvaluationSummary,
} from "./eval/evaluate.js";
export {
  kendallTau,
  mse,
  pearson,
  precisionAtK,
  spearman,
  trueValueOfPredictedBest,
} from "./eval/metrics.js";
export type { PlotSpec } from "./experiments/plots.js";
export {
  type PipelineResult,
  type PipelineSpec,
  type ReportedCell,
  runPaperPipeline,
  type SearchCurvePoint,
} from "./pipeline/paper-pipeline.js";
export { readPipelineResult, readSideBySideResult, writePipelineFiles } from "./pipeline/pipeline-file.js";
export { pipelineDocument } from "./pipeline/pipeline-report.js";
export {
  COLUMN_CHOICES,
  type ColumnStage,
  runSideBySide,
  type SideBySideResult,
  type SideBySideSpec,
} from "./pipeline/side-by-side.js";
export { sideBySideDocument } from "./pipeline/side-by-side-report.js";
export { SemiSupervisedAssessor } from "./predictors/assessor/assessor.js";
export { type AssessorOptions, DEFAULT_ASSESSOR_OPTIONS } from "./predictors/assessor/options.js";
export type { CellInput } from "./predictors/cell-inputs.js";
export { EnsemblePredictor } from "./predictors/ensemble.js";
export type { LabelTransform } from "./predictors/label-scaling.js";
export type { FitInput, Predictor } from "./predictors/predictor.js";
export {
  createPredictor,
  loadPredictor,
  METHODS,
  type Method,
  type PredictorExtras,
} from "./predictors/registry.js";
export type { LearningRateSchedule, TrainingOptions } from "./predictors/training-options.js";
export { Rng } from "./random.js";
export { drawCell } from "./report/cell-drawing.js";
export type { Block, CellToDraw, ReportDocument } from "./report/document.js";
export { documentsFromFiles, type ReportSource } from "./report/from-files.js";
export { type HtmlOptions, toHtml } from "./report/html.js";
export { type MarkdownOptions, toMarkdown } from "./report/markdown.js";
export { type EvolutionOptions, evolve, type Fitness, type SearchTrace, topK } from "./search/evolution.js";
export {
  chooseByNeighbourhood,
  DEFAULT_NEIGHBOURHOOD,
  type NeighbourhoodOptions,
  type Rescored,
} from "./search/neighbourhood.js";
export {
  type FoundCell,
  type PredictorSearchResult,
  type PredictorSearchRun,
  type PredictorSearchSpec,
  predictorSearch,
} from "./search/predictor-search.js";
export { ArchitectureList } from "./spaces/architecture-list.js";
export {
  type ArchitectureEncoding,
  type ArchitectureSpace,
  SPACE_KINDS,
  type SpaceKind,
} from "./spaces/architecture-space.js";
export { type ChoicesArch, ChoicesSpace } from "./spaces/choices.js";
export { type EdgeCellArch, EdgeCellSpace } from "./spaces/edge-cell.js";
export { createSpace, loadSpaceSpec, readSpaceSpec } from "./spaces/kinds.js";
export { INTERIOR_OPS, type Nb101Cell, parseCell, pruneCell } from "./spaces/nb101/cell.js";
export {
  type ImportManifest,
  type ImportOptions as Nb101ImportOptions,
  importNb101,
} from "./spaces/nb101/import.js";
export { loadNb101Labels, type Nb101Labels } from "./spaces/nb101/labels.js";
export { networkParameters } from "./spaces/nb101/params.js";
export {
  type CellDescription,
  type LoadOptions as Nb101LoadOptions,
  Nb101Space,
  type SpaceSummary,
} from "./spaces/nb101/space.js";
export { NB101_SPEC } from "./spaces/nb101/spec.js";
export { formatArch, NB201_OPS, type Nb201Cell, parseArch } from "./spaces/nb201/cell.js";
export {
  loadNb201Accuracies,
  loadNb201Labels,
  NB201_DATASETS,
  type Nb201Accuracies,
} from "./spaces/nb201/labels.js";
export { Nb201Space } from "./spaces/nb201/space.js";
export { NB201_SPEC } from "./spaces/nb201/spec.js";
export { loadSpace, SPACE_NAMES, type SpaceName } from "./spaces/registry.js";
export type { FlatEncoding, MatrixEncoding, SearchSpace, SpaceEncoding } from "./spaces/search-space.js";
export {
  type ChoicesSpec,
  type Decision,
  type EdgeCellSpec,
  parseSpec,
  readSpecFile,
  type SpaceSpec,
  type VertexCellSpec,
} from "./spaces/spec.js";
export { type SpecSpaceSummary, summariseBuiltIn, summariseSpace } from "./spaces/summary.js";
export type { CellLimits, PrunedCell, VertexCell } from "./spaces/vertex-cell/cell.js";
export {
  ENUMERATION_LIMIT,
  type MutationOptions,
  type TableOrigin,
  type TableSummary,
  type VertexCellLoadOptions,
  VertexCellSpace,
} from "./spaces/vertex-cell/space.js";
export type { CellTable } from "./spaces/vertex-cell/table.js";
export { type AskOptions, DEFAULT_ASK } from "./study/ask-strategy.js";
export { DEFAULT_PENDING_TIMEOUT_MS, parseDuration } from "./study/pending.js";
export { POSTGRES_SCHEMA_VERSION, PostgresStudyStore } from "./study/postgres-store.js";
export { type ResultRow, readArchitecturesFile, readResultsFile, resultsCsv } from "./study/results-file.js";
export {
  type PerSeed,
  type SeedCurves,
  type SimulateResult,
  type SimulateSpec,
  type StrategyResult,
  simulate,
} from "./study/simulate.js";
export { SqliteStudyStore, STUDY_SCHEMA_VERSION } from "./study/sqlite-store.js";
export type {
  Direction,
  DoneRange,
  Outcome,
  Proposal,
  RecordCheck,
  RecordContext,
  RecordOptions,
  StudyCounts,
  StudySettings,
  StudyStore,
  Trial,
  TrialReason,
  TrialResult,
  TrialState,
} from "./study/store.js";
export { createStore, openStore } from "./study/store-location.js";
export {
  type Asked,
  type NewStudy,
  type Replacement,
  Study,
  type StudySummary,
  type TellItem,
  type TellOptions,
  type TellResult,
} from "./study/study.js";
export {
  type CreateStudyFile,
  createStudyFile,
  openStudyFile,
  predictStudyFile,
  removeStudyFile,
  type StudyPredictions,
} from "./study/study-file.js";
export { isPostgresUrl, parseStudyUrl, type StudyUrl, withoutPassword } from "./study/study-url.js";
export type { Repeat, Retry, ValueScale } from "./study/tell-rules.js";
