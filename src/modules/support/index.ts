/** The support module's public API (issue 15, section 2: the ISA's support work): other modules use only what this file exports. */
export { createSupportService, SupportError, type SupportService } from './support.service.ts'
export { loadDemoSupport } from './support.demo.ts'
