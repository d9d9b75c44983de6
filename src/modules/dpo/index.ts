/** The dpo module's public API: other modules use only what this file exports. */
export { createDpoService } from './dpo.service.ts'
