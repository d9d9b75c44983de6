/** The referrals module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerReferralPages } from './referral.pages.ts'
export { registerReferralApi } from './referral.api.ts'
