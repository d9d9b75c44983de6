/** The screening module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerScreeningApi } from './screening.api.ts'
export { registerScreeningPages } from './screening.pages.ts'
export { registerScreeningGroupPages } from './screening-groups.pages.ts'
export { registerScreeningGroupApi } from './screening-groups.api.ts'
