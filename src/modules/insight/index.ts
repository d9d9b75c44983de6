/** The insight module's public API: other modules import from here only. */
export {
  createStatisticsService,
  exploitationBreakdown,
  type StatisticsService,
  type Table,
} from './statistics.service.ts'
export { createSourcesService } from './sources.service.ts'
export { createProblemProfileService, type ProblemProfileService } from './problem-profile.service.ts'
