/** The people module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerPlacePages } from './places.pages.ts'
export { registerPlacesApi } from './places.api.ts'
export { registerBusinessLinkPages } from './business-links.pages.ts'
export { registerPersonPages } from './person.pages.ts'
export { registerPersonApi } from './person.api.ts'
