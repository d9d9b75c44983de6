/** The people module's public API: the one owner of person, place and object records and of the policy on them. */
// Words and shapes first: other modules' schemas read them as they load.
export { GENDERS, PREMISES_TYPES, SUBJECT_ROLES, type Gender, type PremisesType, type SubjectRole } from './person.vocabulary.ts'
export { personFields, dateOfBirthInPast, NewPersonInput, PersonDetailsChange, LocationInput, type PersonRecordInput } from './person.schema.ts'
export { createPerson, createNamedPerson, createPlace } from './records.repository.ts'
export { describeAge } from './person.presenter.ts'
export { victimFacetAccess, createPersonService, PersonError, type PersonService, type VictimFacetAccess } from './person.service.ts'
export { createSupportWorkerService, isSupportWorker, SUPPORT_ROLE, type SupportWorkerService, type SupportWorkerRow, type SupportedPersonRow } from './support-workers.service.ts'
export { normaliseIdentifier, OBJECT_KINDS, type ObjectKind } from './identifiers.ts'
export {
  AccessDenied,
  askWhom,
  VICTIM_ROLES,
  caseAccess,
  caseVisible,
  deniedMessage,
  holdsVictimDuty,
  isCaseVisible,
  isRecordVisible,
  leadsTeam,
  mayGrantVictimSide,
  mergeWidensAccess,
  recordVisible,
  requireVictimSide,
  seesAllRestricted,
  victimSideAccess,
  visibleIds,
  type CaseAccess,
  type RecordKind,
  type VictimSideAccess,
} from './access-policy.ts'
export { hideRecordsOutsideTheirJobs } from './record-routes.ts'
export { displayName } from './display-name.ts'
export { guardVictimFacet } from './victim-facet.guard.ts'
export { loadDemoSupportWorkers } from './support-workers.demo.ts'
export { registerPersonPages } from './person.pages.ts'
export { registerPersonApi } from './person.api.ts'
