/** The disclosures module's public API: other modules use only what this file exports. */
export { DISCLOSABLE_FIELDS, isDisclosableField, LAWFUL_BASES, type LawfulBasis } from './disclosure.fields.ts'
export { loadDemoDisclosures } from './disclosure.demo.ts'
export { presentShared } from './disclosure.presenter.ts'
export { createDisclosureService } from './disclosure.service.ts'
