/** The victim-context module's public API: structured victim and perpetrator context (issue 15). Other modules use only what this file exports. */
export {
  CONTEXT_LISTS,
  CONTEXT_LIST_KEYS,
  JOURNEY_STAGES,
  LABOUR_SECTOR_DETAILS,
  PERPETRATOR_ROLES,
  type ContextListKey,
} from './victim-context.vocabulary.ts'
export {
  dimensionCounts,
  placeCounts,
  legCounts,
  contextByPerson,
  type ProfileFilters,
  type DimensionCount,
  type PlaceCount,
  type LegCount,
  type PersonContextRow,
} from './victim-context.repository.ts'
export {
  createVictimContextService,
  victimContextForCopy,
  VictimContextError,
  type VictimContextService,
  type SituationInput,
  type ContextForCopy,
} from './victim-context.service.ts'
export { loadDemoVictimContext } from './victim-context.demo.ts'
