/** The nrm module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerNrmPages } from './nrm.pages.ts'
