/** The cases module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerCasePages } from './case.pages.ts'
export { registerCaseApi } from './case.api.ts'
export { registerOperationPages } from './operation.pages.ts'
