/** The subject-access module's public API: other modules use only what this file exports. */
export { createSubjectAccessService } from './subject-access.service.ts'
