import { join } from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import nunjucks from 'nunjucks'
import { formatDate, formatDateTime } from '#src/shared/dates.ts'
import { usedIn } from '#src/shared/counted.ts'
import { can, type CurrentUser } from '#src/platform/auth/permissions.ts'
import { timePhaseSync } from '#src/platform/observability/request-timing.ts'

declare module 'fastify' {
  interface FastifyReply {
    /** Renders a page inside the Lantern layout, with the user, navigation, CSRF token and CSP nonce. */
    page(template: string, context?: Record<string, unknown>): FastifyReply
  }
  interface FastifyRequest {
    /** A one-off message for the next page the user sees ("Referral assigned"). */
    flash(message: string): Promise<void>
  }
}

export type NavItem = { text: string; href: string; active: boolean }

/** The main menu for a user on a path, with exactly the current section marked. */
export function navigation(user: CurrentUser | null, path: string): NavItem[] {
  if (!user) return []
  const items: { text: string; href: string; show: boolean; section?: string[] }[] = [
    { text: 'Triage queue', href: '/referrals', show: can(user, 'referral:view') },
    {
      text: 'Record a referral',
      href: '/referrals/new',
      show: can(user, 'referral:create'),
      section: ['/referrals/new', '/referrals/drafts'],
    },
    { text: 'Live jobs', href: '/cases', show: can(user, 'case:view') },
    { text: 'Operations', href: '/operations', show: can(user, 'case:view') },
    { text: 'Search', href: '/search', show: can(user, 'search:use') },
    { text: 'Businesses', href: '/businesses', show: can(user, 'person:view'), section: ['/businesses'] },
    { text: 'Safeguarding prompts', href: '/safeguarding-prompts', show: can(user, 'intelligence:view') },
    { text: 'Partners', href: '/partners', show: can(user, 'partner:view') },
    { text: 'Shared with your agency', href: '/partner', show: can(user, 'partner-portal:use') },
    { text: 'Referral figures', href: '/partner/figures', show: can(user, 'partner-portal:use') },
    {
      text: 'How people are exploited',
      href: '/partner/exploitation-profile',
      show: can(user, 'partner-portal:use'),
    },
    { text: 'Outreach', href: '/outreach', show: can(user, 'outreach:view') },
    { text: 'Imports', href: '/imports', show: can(user, 'import:run') },
    { text: 'Figures', href: '/insight', show: can(user, 'insight:view') },
    { text: 'Hub meetings', href: '/hub-meetings', show: can(user, 'safeguarding-meeting:manage') },
    { text: 'Actions', href: '/partner/actions', show: can(user, 'safeguarding-action:update-own') },
    { text: 'My work', href: '/my-work', show: true },
    { text: 'Settings', href: '/settings/priorities', show: can(user, 'settings:manage'), section: ['/settings'] },
    { text: 'Agreements', href: '/agreements', show: can(user, 'agreement:manage') },
    { text: 'Audit reports', href: '/audit/person', show: can(user, 'audit:view'), section: ['/audit'] },
    { text: 'Users', href: '/admin/users', show: can(user, 'user:manage') },
    { text: 'Retention', href: '/retention', show: can(user, 'retention:review') },
    { text: 'Subject access', href: '/subject-access', show: can(user, 'subject-access:export') },
    { text: 'Service status', href: '/service-status', show: can(user, 'metrics:view') },
  ]
  const shown = items.filter((i) => i.show)
  // Exactly one item is current: the one whose section is the longest match for the path, so recording a
  // referral (/referrals/new, /referrals/drafts/…) is not also the triage queue (/referrals), and a partner's
  // figures (/partner/figures) are not also "Shared with your agency" (/partner).
  const length = (i: (typeof shown)[number]) =>
    Math.max(
      0,
      ...(i.section ?? [i.href])
        .filter((prefix) => path === prefix || path.startsWith(prefix + '/'))
        .map((prefix) => prefix.length),
    )
  const current = shown.reduce<(typeof shown)[number] | null>(
    (best, i) => (length(i) > (best ? length(best) : 0) ? i : best),
    null,
  )
  return shown.map((i) => ({ text: i.text, href: i.href, active: i === current }))
}

type Option = { value: string; text: string }

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
/** The same characters Nunjucks's autoescape replaces. */
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])

type Exports = Record<string, unknown>
type ImportableTemplate = {
  getExported(ctx: unknown, parentFrame?: unknown, cb?: unknown): void
  [cachedExports]?: Exports
}
const cachedExports = Symbol('cachedExports')
let importsCached = false

/**
 * `{% from "…/macro.njk" import govukInput %}` runs the imported file again on every render to collect its macros,
 * and every GOV.UK component's template imports three to five others (attributes, label, hint, error message):
 * a live job's page, with about a hundred components, spent most of its render time re-running imports. An import
 * without context sees only an empty context and the environment's globals, and a macro writes only to a frame of
 * its own, so what it exports is the same on every render: kept on the (cached) template after the first. An
 * import `with context` depends on the page and still runs every time.
 */
function cacheImports(): void {
  if (importsCached) return
  importsCached = true
  const prototype = (nunjucks.Template as unknown as { prototype: ImportableTemplate }).prototype
  const getExported = prototype.getExported
  prototype.getExported = function (this: ImportableTemplate, ctx: unknown, parentFrame?: unknown, cb?: unknown) {
    if (typeof ctx !== 'function' || parentFrame !== undefined) return getExported.call(this, ctx, parentFrame, cb)
    const done = ctx as (error: unknown, exported: Exports | null) => void
    const cached = this[cachedExports]
    if (cached) return done(null, cached)
    getExported.call(this, (error: unknown, exported: Exports | null) => {
      if (!error && exported) this[cachedExports] = exported
      done(error, exported)
    })
  }
}

type Frame = {
  variables: Record<string, unknown>
  resolve(name: string, forWrite: boolean): Frame | undefined
  set(name: string, value: unknown, resolveUp?: boolean): void
}
let framesPatched = false

/**
 * Nunjucks sets every macro argument, loop variable and `{% set %}` through `Frame.set`, which splits the name on
 * '.' first (to allow `{% set a.b = … %}`): under load that split was the largest single cost of rendering a
 * record page (about a tenth of the live-job page's CPU). A name without a dot is set exactly as the original
 * does for a one-part name, without the split; a dotted name goes through the original.
 */
function fastFrameSet(): void {
  if (framesPatched) return
  framesPatched = true
  const runtime = nunjucks.runtime as unknown as { Frame: { prototype: Frame } }
  const prototype = runtime.Frame.prototype
  const set = prototype.set
  prototype.set = function (this: Frame, name: string, value: unknown, resolveUp?: boolean) {
    if (name.includes('.')) return set.call(this, name, value, resolveUp)
    const frame = (resolveUp && this.resolve(name, true)) || this
    frame.variables[name] = value
  }
}

/**
 * Every `{% from "../macros/…" import … %}` inside a GOV.UK component resolves its relative path again (two
 * `path` calls) on each call of the component; the answer depends only on the two names, so it is kept.
 */
function cacheRelativeResolution(env: nunjucks.Environment): void {
  const loaders = (env as unknown as { loaders: { resolve?: (from: string, to: string) => string }[] }).loaders
  for (const loader of loaders) {
    const resolve = loader.resolve
    if (!resolve) continue
    const resolved = new Map<string, string>()
    loader.resolve = (from: string, to: string) => {
      const key = `${from}\0${to}`
      let path = resolved.get(key)
      if (path === undefined) resolved.set(key, (path = resolve.call(loader, from, to)))
      return path
    }
  }
}

export function createNunjucks(root: string): nunjucks.Environment {
  const env = nunjucks.configure(
    [
      join(root, 'src/platform/views'),
      join(root, 'src/modules'),
      join(root, 'node_modules/govuk-frontend/dist'),
      join(root, 'node_modules/@ministryofjustice/frontend'),
    ],
    { autoescape: true, throwOnUndefined: false, noCache: false },
  )
  cacheImports()
  fastFrameSet()
  cacheRelativeResolution(env)
  env.addFilter('date', (value: string | Date | null | undefined) => (value ? formatDateTime(value) : ''))
  env.addFilter('day', (value: string | Date | null | undefined) => formatDate(value))
  env.addFilter('isoTime', (value: string | Date) => new Date(value).toISOString())
  const numberFormat = new Intl.NumberFormat('en-GB')
  env.addFilter('number', (value: number) => numberFormat.format(value))
  // "in 2 referrals and 1 live job": where a place or business offered as already recorded is used.
  env.addFilter('usedIn', usedIn)
  // A select over a long list (countries): `govukSelect({ …, items: [] }) | withOptions(list, selected, first)`.
  // GOV.UK's select renders each option through its attributes macro, which for 250 countries was a third of the
  // person page's render time (three such selects). Here the options' markup is built once per list and only the
  // selected one is made per request; the select itself (label, hint, error, ARIA) is still GOV.UK's own. `first`
  // are the items before the list, such as "Not known".
  const optionMarkup = new WeakMap<readonly Option[], string[]>()
  const option = (o: Option, selected: boolean) =>
    `<option value="${escapeHtml(o.value)}"${selected ? ' selected' : ''}>${escapeHtml(o.text)}</option>`
  env.addFilter(
    'withOptions',
    (select: unknown, options: readonly Option[], selected: unknown, first: Option[] = []) => {
      let markup = optionMarkup.get(options)
      if (!markup) optionMarkup.set(options, (markup = options.map((o) => option(o, false))))
      const chosen = (o: Option) => o.value !== '' && o.value === selected
      const html = select instanceof nunjucks.runtime.SafeString ? String(select) : escapeHtml(String(select ?? ''))
      const at = html.lastIndexOf('</select>')
      if (at < 0) throw new Error('withOptions follows a govukSelect')
      const items = [
        ...first.map((o) => option(o, chosen(o))),
        ...options.map((o, i) => (chosen(o) ? option(o, true) : markup[i])),
      ]
      return new nunjucks.runtime.SafeString(`${html.slice(0, at)}${items.join('\n    ')}\n  ${html.slice(at)}`)
    },
  )
  // Nunjucks's own trim is /^\s*|\s*$/g, which backtracks over every run of whitespace: GOV.UK Frontend trims
  // whole rendered components (the header, selects, summary lists), and under load that regex was one of the
  // page's largest CPU costs. String.prototype.trim removes the same characters in one pass.
  env.addFilter('trim', (value: unknown) => {
    const trimmed = String(value ?? '').trim()
    return value instanceof nunjucks.runtime.SafeString ? new nunjucks.runtime.SafeString(trimmed) : trimmed
  })
  // Nunjucks's indent splits the text into lines and joins them again; GOV.UK indents every component it nests.
  // The same result (each line after the first, or every line with `first`, gains `width` spaces) in one pass.
  env.addFilter('indent', (value: unknown, width: unknown = 4, first: unknown = false) => {
    const text = value === null || value === undefined || value === false ? '' : String(value)
    if (text === '') return ''
    const spaces = ' '.repeat(Math.max(0, Math.ceil(Number(width) || 4)))
    const indented = `${first ? spaces : ''}${text.replace(/\n/g, `\n${spaces}`)}`
    return value instanceof nunjucks.runtime.SafeString ? new nunjucks.runtime.SafeString(indented) : indented
  })
  return env
}

export function registerViews(
  app: FastifyInstance,
  env: nunjucks.Environment,
  options: {
    serviceName: string
    demo: () => boolean
    saveSession: (idHash: string, data: Record<string, unknown>) => Promise<void>
    consumeFlash: (idHash: string, flash: string) => Promise<void>
  },
): void {
  app.decorateRequest('flash', async function (this: FastifyRequest, message: string) {
    if (!this.session) return
    this.session.data = { ...this.session.data, flash: message }
    await options.saveSession(this.session.idHash, this.session.data)
  })

  app.decorateReply('page', function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    const request = this.request
    const path = request.url.split('?')[0]
    let flash: unknown
    const session = request.session
    if (session?.data.flash) {
      flash = session.data.flash
      const { flash: _consumed, ...rest } = session.data
      session.data = rest
      // The flash is shown once; clearing it must not hold up the page, and must not undo a later request's
      // session change (a whole-data write here once wiped the next page's message), so it removes only itself.
      options
        .consumeFlash(session.idHash, String(flash))
        .catch((error: unknown) => request.log.warn({ err: error }, 'could not clear flash'))
    }
    const html = timePhaseSync('render', () =>
      env.render(template, {
        ...context,
        serviceName: options.serviceName,
        user: request.user,
        can: (permission: Parameters<typeof can>[1]) => can(request.user, permission),
        navigation: navigation(request.user, path),
        csrfToken: this.generateCsrf(),
        cspNonce: this.cspNonce?.script,
        demo: options.demo(),
        flash,
        currentPath: path,
        currentUrl: request.url,
      }),
    )
    return this.type('text/html; charset=utf-8').send(html)
  })
}
