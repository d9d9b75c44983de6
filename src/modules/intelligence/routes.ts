/** The intelligence module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerIntelligencePages } from './intelligence.pages.ts'
export { registerIntelligenceApi } from './intelligence.api.ts'
