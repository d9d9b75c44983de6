/** The search module's routes, which the app mounts (src/app.ts); other modules use its front door, index.ts. */
export { registerSearchRoutes } from './search.routes.ts'
