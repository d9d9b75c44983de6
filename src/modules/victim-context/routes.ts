/** The victim-context module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerVictimContextPages } from './victim-context.pages.ts'
export { registerVictimContextApi } from './victim-context.api.ts'
