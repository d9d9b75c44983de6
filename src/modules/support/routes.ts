/** The support module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerSupportPages } from './support.pages.ts'
export { registerSupportApi } from './support.api.ts'
