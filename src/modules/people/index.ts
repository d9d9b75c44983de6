/** The people module's public API. */
export { victimFacetAccess, createPersonService, PersonError, type PersonService, type VictimFacetAccess } from './person.service.ts'
export { normaliseIdentifier, OBJECT_KINDS, type ObjectKind } from './identifiers.ts'
