/** Crime and occurrence references: the module's public API. */
export {
  carryReferralReferences,
  createOccurrenceReferenceService,
  crimeReferencesOf,
  OccurrenceReferenceError,
  presentReference,
  referencesOf,
  type OccurrenceReferenceService,
  type PresentedReference,
  type ReferenceInput,
} from './occurrence-references.service.ts'
export {
  searchOccurrenceReferences,
  type OccurrenceHit,
  type ReferenceOwner,
} from './occurrence-references.repository.ts'
export {
  looksLikeReference,
  normaliseReference,
  REFERENCE_KINDS,
  REFERENCE_KIND_HINTS,
  REFERENCE_KIND_VALUES,
  kindLabel,
  type ReferenceKind,
} from './occurrence-references.vocabulary.ts'
export { loadDemoReferences } from './occurrence-references.demo.ts'
export {
  readReferenceForm,
  REFERENCE_FIELDS,
  REFERENCE_KIND_ITEMS,
  referenceFieldErrors,
} from './occurrence-references.forms.ts'
