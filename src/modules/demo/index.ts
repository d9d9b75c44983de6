/** The demo module's public API: other modules use only what this file exports. */
export { formatCredentials, hasAnyUser, isDemoLoaded, loadDemo } from './demo.ts'
