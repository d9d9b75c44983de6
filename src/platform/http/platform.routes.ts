import { join } from 'node:path'
import { sql } from 'kysely'
import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import type { Permission } from '#src/platform/auth/permissions.ts'
import { ROOT } from '#src/platform/paths.ts'
import { userOf } from './access.ts'

const ASSET_ROOTS: Record<string, { root: string; files: RegExp }> = {
  stylesheets: { root: join(ROOT, 'public/stylesheets'), files: /^application\.css$/ },
  js: { root: join(ROOT, 'src/platform/views/assets/js'), files: /^(application|link-chart|import-progress)\.js$/ },
  // The link chart's graph library, served from our own origin so the CSP needs no third-party script source.
  cytoscape: { root: join(ROOT, 'node_modules/cytoscape/dist'), files: /^cytoscape\.esm\.min\.mjs$/ },
  govuk: { root: join(ROOT, 'node_modules/govuk-frontend/dist/govuk'), files: /^govuk-frontend\.min\.js$/ },
  moj: { root: join(ROOT, 'node_modules/@ministryofjustice/frontend/moj'), files: /^moj-frontend\.min\.js$/ },
  images: { root: join(ROOT, 'src/platform/views/assets/images'), files: /^[\w-]+\.(svg|png|ico)$/ },
}

/** Health, static assets, the home page and the OpenAPI document. */
const HOMES: readonly [Permission, string][] = [
  ['user:manage', '/admin/users'],
  ['audit:view', '/audit/person'],
  ['metrics:view', '/service-status'],
]

export function registerPlatformRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/health', { config: { access: 'public' } }, async (_request, reply) => {
    const started = performance.now()
    try {
      await Promise.race([
        sql`SELECT 1`.execute(deps.db),
        new Promise((_, reject) => setTimeout(() => reject(new Error('database health check timed out')), 2000)),
      ])
      return reply.send({
        status: 'ok',
        database: { status: 'ok', latencyMs: Math.round(performance.now() - started) },
      })
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: { status: 'unreachable' } })
    }
  })

  app.get<{ Params: { group: string; file: string } }>(
    '/assets/:group/:file',
    { config: { access: 'public' } },
    async (request, reply) => {
      const asset = ASSET_ROOTS[request.params.group]
      if (!asset || !asset.files.test(request.params.file)) return reply.callNotFound()
      reply.header('cache-control', 'public, max-age=3600')
      return reply.sendFile(request.params.file, asset.root)
    },
  )

  app.get('/', { config: { access: 'public' } }, async (request, reply) => {
    if (!request.user) return reply.redirect('/sign-in', 303)
    if (request.user.permissions.has('referral:view')) return reply.redirect('/referrals', 303)
    // A partner's first page is what has been shared with their agency; they can reach nothing else.
    if (request.user.permissions.has('partner-portal:use')) return reply.redirect('/partner', 303)
    // Every other role lands on its own work: the DPO on the audit reports, the administrator on the users,
    // the operator on the service's status; anyone else on My work, which every role has.
    const home = HOMES.find(([permission]) => userOf(request).permissions.has(permission))
    return reply.redirect(home ? home[1] : '/my-work', 303)
  })

  app.get('/api/v1/openapi.json', { config: { access: 'public' } }, async () => app.swagger())
}
