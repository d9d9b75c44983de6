/** The imports module's public API: other modules use only what this file exports. */
export { createImportService } from './imports.service.ts'
