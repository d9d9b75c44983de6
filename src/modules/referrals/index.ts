/** The referrals module's public API. */
export { changeReferralStatus } from './referral.service.ts'
export { lockReferral, linkLocations, refreshUrgencyForPerson } from './referral.repository.ts'
export { TRANSITIONS, type ReferralStatus } from './referral.vocabulary.ts'
