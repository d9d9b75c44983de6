/** The subject-access module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerSubjectAccessPages } from './subject-access.pages.ts'
