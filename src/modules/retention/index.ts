/** The retention module's public API: other modules use only what this file exports. */
export { createRetentionService } from './retention.service.ts'
