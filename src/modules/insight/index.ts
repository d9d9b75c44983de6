/** The insight module's public API: other modules import from here only. */
export {
  createStatisticsService,
  exploitationBreakdown,
  type StatisticsService,
  type Table,
} from './statistics.service.ts'
export { registerInsightPages } from './insight.pages.ts'
export { registerSourcesPages } from './sources.pages.ts'
export { registerPartnerFiguresPages } from './partner-figures.pages.ts'
export { createSourcesService } from './sources.service.ts'
export { registerProblemProfilePages } from './problem-profile.pages.ts'
export { createProblemProfileService, type ProblemProfileService } from './problem-profile.service.ts'
