/** The people module's public API. */
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
