/** The referrals module's public API. */
export { changeReferralStatus } from './referral.service.ts'
export {
  lockReferral,
  linkLocations,
  refreshUrgencyForPerson,
  referralPeople,
  referralPlaceIds,
  addReferralPerson,
  addReferralPlace,
  setReferralExploitation,
} from './referral.repository.ts'
export { TRANSITIONS, type ReferralStatus } from './referral.vocabulary.ts'
export { EXPLOITATION_TYPES, GRADE_LEVELS, SOURCES, THRIVE_ELEMENTS } from './referral.vocabulary.ts'
export { NewReferralInput } from './referral.schema.ts'
export { createReferralService, type ReferralService } from './referral.service.ts'
export { insertReferralEvent } from './referral.repository.ts'
export { deriveUrgency } from './referral.urgency.ts'
export { type GradingInput } from './referral.schema.ts'
