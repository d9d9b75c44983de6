/** The matching module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerMatchingPages } from './matching.pages.ts'
export { registerMatchingApi } from './matching.api.ts'
