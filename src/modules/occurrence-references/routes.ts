/** The occurrence-references module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerOccurrenceReferenceApi } from './occurrence-references.api.ts'
