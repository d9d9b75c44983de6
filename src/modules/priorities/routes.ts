/** The priorities module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerPriorityPages } from './priority.pages.ts'
