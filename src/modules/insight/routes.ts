/** The insight module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerInsightPages } from './insight.pages.ts'
export { registerSourcesPages } from './sources.pages.ts'
export { registerPartnerFiguresPages } from './partner-figures.pages.ts'
export { registerProblemProfilePages } from './problem-profile.pages.ts'
