/** The matching module's public API: other modules use only what this file exports. */
export { percent, presentExplanation } from './matching.presenter.ts'
export { MatchError, type MatchingService } from './matching.service.ts'
export { loadDemoMatching } from './matching.demo.ts'
export { createMatchingService } from './matching.service.ts'
