/** The partners module's public API: other modules use only what this file exports. */
export { createPartnerService } from './partner.service.ts'
export { findActiveAgency, isContactOf } from './partner.repository.ts'
