/** The cases module's public API: other modules use only what this file exports. */
// What a module that works inside a live job (a screening group started from it) does in its own transaction.
export {
  addCasePerson,
  addTimeline,
  findCase,
  linkCaseLocation,
  linkCaseReferral,
  listCasePeople,
} from './case.repository.ts'
export { createCaseService } from './case.service.ts'
export { loadDemoOperations } from './operation.demo.ts'
