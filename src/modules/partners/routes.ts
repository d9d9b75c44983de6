/** The partners module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerPartnerPages } from './partner.pages.ts'
export { registerPartnerApi } from './partner.api.ts'
