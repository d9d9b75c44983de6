import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import fastifyCookie from '@fastify/cookie'
import fastifyCsrf from '@fastify/csrf-protection'
import fastifyFormbody from '@fastify/formbody'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import fastifySwagger from '@fastify/swagger'
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod'
import {
  enforceAccess,
  isApiRequest,
  refuseSignedOutForm,
  requireRouteAccess,
  type RouteDeclaration,
} from '#src/platform/http/access.ts'
import { registerErrorHandling } from '#src/platform/http/error-handler.ts'
import { registerSecurityHeaders } from '#src/platform/http/security-headers.ts'
import { removeNulCharacters } from '#src/platform/http/input.ts'
import { createNunjucks, registerViews } from '#src/platform/views/views.ts'
import { SESSION_COOKIE, registerAuthRoutes } from '#src/platform/auth/auth.routes.ts'
import { registerPlatformRoutes } from '#src/platform/http/platform.routes.ts'
import { registerAccountPages } from '#src/platform/auth/account.pages.ts'
import { registerUserAdminPages } from '#src/platform/auth/user-admin.pages.ts'
import { registerReferralApi, registerReferralPages } from '#src/modules/referrals/routes.ts'
import { registerPriorityPages } from '#src/modules/priorities/routes.ts'
import {
  registerScreeningApi,
  registerScreeningGroupApi,
  registerScreeningGroupPages,
  registerScreeningPages,
} from '#src/modules/screening/routes.ts'
import { registerNrmPages } from '#src/modules/nrm/routes.ts'
import {
  registerBusinessLinkPages,
  registerPersonApi,
  registerPersonPages,
  registerPlacePages,
  registerPlacesApi,
} from '#src/modules/people/routes.ts'
import { registerCaseApi, registerCasePages, registerOperationPages } from '#src/modules/cases/routes.ts'
import { registerSearchRoutes } from '#src/modules/search/routes.ts'
import { registerOccurrenceReferenceApi } from '#src/modules/occurrence-references/routes.ts'
import { registerPartnerApi, registerPartnerPages } from '#src/modules/partners/routes.ts'
import { registerDisclosurePages } from '#src/modules/disclosures/routes.ts'
import { registerDpoPages } from '#src/modules/dpo/routes.ts'
import { registerOutreachPages } from '#src/modules/outreach/routes.ts'
import {
  registerHubApi,
  registerHubPages,
  registerSafeguardingApi,
  registerSafeguardingPages,
} from '#src/modules/safeguarding/routes.ts'
import { registerVictimContextApi, registerVictimContextPages } from '#src/modules/victim-context/routes.ts'
import { registerSupportApi, registerSupportPages } from '#src/modules/support/routes.ts'
import { registerPublicPages } from '#src/modules/public/routes.ts'
import { registerIntelligenceApi, registerIntelligencePages } from '#src/modules/intelligence/routes.ts'
import { registerMatchingApi, registerMatchingPages } from '#src/modules/matching/routes.ts'
import { registerImportApi, registerImportPages } from '#src/modules/imports/routes.ts'
import {
  registerInsightPages,
  registerPartnerFiguresPages,
  registerProblemProfilePages,
  registerSourcesPages,
} from '#src/modules/insight/routes.ts'
import { registerRetentionPages } from '#src/modules/retention/routes.ts'
import { registerSubjectAccessPages } from '#src/modules/subject-access/routes.ts'
import { hideRecordsOutsideTheirJobs } from '#src/modules/people/index.ts'
import type { AppDeps } from './container.ts'
import { ROOT } from '#src/platform/paths.ts'
import { loggerOptions } from '#src/platform/observability/logging.ts'
import { registerMetrics, registerMetricsRoute } from '#src/platform/observability/metrics.ts'
import { currentTiming, runWithTiming, serverTiming, timePhase } from '#src/platform/observability/request-timing.ts'

/** The app, and every route it declared with its access, for the route-permission test. Not returned as the
 * Fastify instance itself: that is a thenable, which an async function would unwrap. */
export type BuiltApp = { app: FastifyInstance; routes: RouteDeclaration[] }

/**
 * Builds the whole application. The order below is the order a request meets things:
 * security headers → cookies → who is asking → may they → body → CSRF → the route → errors.
 */
export async function createApp(deps: AppDeps): Promise<BuiltApp> {
  const { config, services } = deps
  const app = Fastify({
    // Never log bodies, cookies, tokens, query strings or error messages: they can hold personal data.
    logger: deps.logger ?? loggerOptions(config.logLevel, deps.logStream),
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && /^[\w-]{8,64}$/.test(given) ? given : randomUUID()
    },
    requestIdHeader: false,
    bodyLimit: config.bodyLimitBytes,
    // Only the listed proxies' X-Forwarded-For is believed (the rightmost address that is not one of them is the
    // client); with none listed, the connection's address is the client's, whatever headers it sends.
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    routerOptions: { ignoreTrailingSlash: true },
  })
  const registry: RouteDeclaration[] = []
  requireRouteAccess(app, registry)

  // The request's time budget (SERVER_TIMING): entered first, so every later hook and query is counted, and sent
  // last. A callback hook, so the rest of the request runs inside the budget's async context.
  if (config.serverTiming) {
    app.addHook('onRequest', (_request, _reply, done) => runWithTiming(done))
    app.addHook('onSend', async (_request, reply, payload) => {
      const timing = currentTiming()
      if (timing) reply.header('server-timing', serverTiming(timing))
      return payload
    })
  }

  app.setValidatorCompiler(validatorCompiler)
  app.setSerializerCompiler(serializerCompiler)

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Lantern API',
        version: '1.0.0',
        description:
          'Referral intake and triage. Authenticate with "Authorization: Bearer <token>" (create one with `npx lantern token create`).',
      },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    // Only the JSON API is described; pages are not an API.
    transform: (input) => {
      if (!input.url.startsWith('/api/v1/') || input.url === '/api/v1/openapi.json')
        return { schema: { ...input.schema, hide: true }, url: input.url }
      return jsonSchemaTransform(input)
    },
  })

  // Helmet's headers, learned once at start-up and sent with fresh CSP nonces (helmet rebuilt them per request).
  await registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: config.cookieSecure ? [] : null,
      },
    },
    strictTransportSecurity: config.cookieSecure ? { maxAge: 31536000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
  })
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id)
    // Case data must not linger in shared or browser caches on a force desktop.
    if (!request.url.startsWith('/assets/')) reply.header('cache-control', 'no-store')
    return payload
  })
  const metrics = registerMetrics(app, deps.db)

  await app.register(fastifyCookie, { secret: config.sessionSecret })
  await app.register(fastifyRateLimit, { global: false })

  app.decorateRequest('user', null)
  app.decorateRequest('session', null)
  app.decorateRequest('apiTokenId', null)
  app.decorateRequest('pendingSignIn', null)

  // Who is asking: a bearer token on the API, a session cookie on pages. Never both: the API ignores
  // cookies, so it needs no CSRF protection, and pages ignore tokens.
  app.addHook('onRequest', async (request) => {
    if (isApiRequest(request)) {
      const header = request.headers.authorization
      if (header?.startsWith('Bearer ')) {
        const resolved = await services.auth.resolveApiToken(header.slice(7).trim(), {
          userId: null,
          ip: request.ip,
          requestId: request.id,
        })
        if (resolved) {
          request.user = resolved.user
          request.apiTokenId = resolved.tokenId
        }
      }
      return
    }
    const token = request.cookies[SESSION_COOKIE]
    if (token) {
      const session = await timePhase('session', () => services.auth.resolveSession(token))
      // Half signed in (password only): not a user yet; only the second-factor pages read this.
      if (session?.pending)
        request.pendingSignIn = {
          idHash: session.idHash,
          stage: session.pending,
          data: session.data,
          email: session.user.email,
        }
      else if (session) {
        request.user = session.user
        request.session = { idHash: session.idHash, data: session.data }
      }
    }
  })
  app.addHook('onRequest', enforceAccess)

  await app.register(fastifyFormbody, { bodyLimit: config.bodyLimitBytes })
  await app.register(fastifyCsrf, {
    cookieKey: 'lantern_csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', path: '/', secure: config.cookieSecure },
    getToken: (request) => {
      const body = request.body as Record<string, unknown> | undefined
      const field = body?._csrf
      return typeof field === 'string' ? field : (request.headers['x-csrf-token'] as string | undefined)
    },
  })
  // Before validation, so schemas and handlers only ever see storable text.
  app.addHook('preValidation', removeNulCharacters)
  app.addHook('preHandler', refuseSignedOutForm)
  // Every form post is checked. It must run after the body is parsed (preHandler), or the field is unseen.
  app.addHook('preHandler', (request, reply, done) => {
    if (reply.sent) return done()
    if (isApiRequest(request) || ['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return done()
    app.csrfProtection(request, reply, done)
  })
  // The record-level access policy at the door of every route that names a person, place, object or live job.
  hideRecordsOutsideTheirJobs(app, deps.db)

  await app.register(fastifyStatic, { root: join(ROOT, 'public'), serve: false })

  const env = createNunjucks(ROOT)
  registerViews(app, env, {
    serviceName: 'Lantern',
    demo: deps.isDemo,
    saveSession: services.auth.saveSessionData,
    consumeFlash: services.auth.consumeFlash,
  })
  registerErrorHandling(app)

  registerPlatformRoutes(app, deps)
  registerAuthRoutes(app, deps)
  registerAccountPages(app, deps)
  registerUserAdminPages(app, deps)
  registerReferralPages(app, deps)
  registerReferralApi(app, deps)
  registerPriorityPages(app, deps)
  registerScreeningApi(app, deps)
  registerScreeningPages(app, deps)
  registerScreeningGroupPages(app, deps)
  registerScreeningGroupApi(app, deps)
  registerNrmPages(app, deps)
  registerPersonPages(app, deps)
  registerPlacePages(app, deps)
  registerBusinessLinkPages(app, deps)
  registerCasePages(app, deps)
  registerSearchRoutes(app, deps)
  registerPersonApi(app, deps)
  registerPlacesApi(app, deps)
  registerCaseApi(app, deps)
  registerOccurrenceReferenceApi(app, deps)
  registerOperationPages(app, deps)
  registerPartnerPages(app, deps)
  registerPartnerApi(app, deps)
  registerDisclosurePages(app, deps)
  registerDpoPages(app, deps)
  registerOutreachPages(app, deps)
  registerSafeguardingPages(app, deps)
  registerVictimContextPages(app, deps)
  registerVictimContextApi(app, deps)
  registerSafeguardingApi(app, deps)
  registerHubApi(app, deps)
  registerHubPages(app, deps)
  registerSupportPages(app, deps)
  registerSupportApi(app, deps)
  registerPublicPages(app, deps)
  registerIntelligencePages(app, deps)
  registerIntelligenceApi(app, deps)
  registerMatchingPages(app, deps)
  registerMatchingApi(app, deps)
  registerImportPages(app, deps)
  registerImportApi(app, deps)
  registerInsightPages(app, deps)
  registerProblemProfilePages(app, deps)
  registerSourcesPages(app, deps)
  registerPartnerFiguresPages(app, deps)
  registerRetentionPages(app, deps)
  registerSubjectAccessPages(app, deps)
  registerMetricsRoute(app, metrics)

  await app.ready()
  return { app, routes: registry }
}
