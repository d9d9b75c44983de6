/** The imports module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerImportPages } from './imports.pages.ts'
export { registerImportApi } from './imports.api.ts'
