/** The people module's public API. */
export { victimFacetAccess, createPersonService, PersonError, type PersonService, type VictimFacetAccess } from './person.service.ts'
export { normaliseIdentifier, OBJECT_KINDS, type ObjectKind } from './identifiers.ts'
export {
  AccessDenied,
  askWhom,
  VICTIM_ROLES,
  caseAccess,
  caseVisible,
  deniedMessage,
  isRecordVisible,
  leadsTeam,
  mayGrantVictimSide,
  mergeWidensAccess,
  recordVisible,
  requireVictimSide,
  seesAllRestricted,
  victimSideAccess,
  type CaseAccess,
  type RecordKind,
  type VictimSideAccess,
} from './access-policy.ts'
