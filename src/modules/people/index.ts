/** The people module's public API: the one owner of person, place and object records and of the policy on them. */
// Words, shapes, the policy and the SQL name helper first, the services last. Its routes are in routes.ts, for the app
// alone: a front door that offered them would close an import circle (route → container → front door → route).
export {
  CASE_ROLES,
  EVENT_KINDS,
  GENDERS,
  PREMISES_TYPES,
  SUBJECT_ROLES,
  type CaseRole,
  type Gender,
  type PremisesType,
  type SubjectRole,
} from './person.vocabulary.ts'
export {
  personFields,
  dateOfBirthInPast,
  NewPersonInput,
  PersonDetailsChange,
  LocationInput,
  type PersonRecordInput,
} from './person.schema.ts'
export {
  createPerson,
  createNamedPerson,
  createPlace,
  recordObject,
  linkRecords,
  personExists,
  placeExists,
  updatePlace,
  setSharedPlace,
  markCuckooed,
  noteVulnerability,
  mergePersonInto,
  unmergePerson,
  type LinkInput,
} from './records.repository.ts'
export {
  placeFor,
  offeredPlace,
  matchingPlaces,
  linkBusiness,
  businessesOfCase,
  unknownOthersOfJobs,
  unknownOthersOfPlaces,
  unknownOthersText,
  type JobUnknownOthers,
  type BusinessTarget,
  type PlaceMatch,
} from './places.repository.ts'
export { describeAge } from './person.presenter.ts'
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
  victimSideAccessOf,
  visibleIds,
  type CaseAccess,
  type RecordKind,
  type VictimSideAccess,
} from './access-policy.ts'
export { hideRecordsOutsideTheirJobs } from './record-routes.ts'
export { displayName } from './display-name.ts'
export { guardVictimFacet } from './victim-facet.guard.ts'
// The services.
export {
  victimFacetAccess,
  createPersonService,
  PersonError,
  type PersonHooks,
  type PersonLink,
  type PersonService,
  type VictimFacetAccess,
} from './person.service.ts'
export {
  createSupportWorkerService,
  isSupportWorker,
  SUPPORT_ROLE,
  type SupportWorkerService,
  type SupportWorkerRow,
  type SupportedPersonRow,
} from './support-workers.service.ts'
export { loadDemoSupportWorkers } from './support-workers.demo.ts'
export {
  createPlaceService,
  PlaceError,
  BUSINESS_KINDS,
  BUSINESS_RELATIONS,
  businessRelationText,
  type PlaceService,
} from './places.service.ts'
