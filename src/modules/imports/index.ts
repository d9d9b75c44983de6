/** The imports module's public API: other modules use only what this file exports. */
export { registerImportPages } from './imports.pages.ts'
export { registerImportApi } from './imports.api.ts'
export { createImportService } from './imports.service.ts'
