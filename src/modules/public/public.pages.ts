import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf } from '#src/platform/http/access.ts'
import { isDatabaseUnavailable } from '#src/platform/http/error-handler.ts'
import { asString, errorSummary, type FieldErrors } from '#src/platform/http/forms.ts'
import { DEFAULT_LANGUAGE, loadLanguages, translator, type Translate } from './i18n.ts'
import { HEARD_VIA, LIMITS, ONGOING_CHOICES, PAGES, PLACE_KINDS, SIGNS, WHEN_CHOICES, firstMissingPage, readPage, type PageErrors, type PageName, type ReportDraft } from './public-report.form.ts'
import { escapeHtml, phoneLinks } from './phone-links.ts'

/**
 * An answer as HTML, its own line breaks kept as <br>: the summary list's cell is indented in its template, so
 * pre-wrap would show that indent and a blank first line.
 */
const linesAsHtml = (text: string) => text.trim().split(/\r?\n/).map(escapeHtml).join('<br>')

const DRAFT_COOKIE = 'lantern_report'
const SENT_COOKIE = 'lantern_report_sent'
const LANGUAGE_COOKIE = 'lantern_lang'
/** The outreach code a reporter arrived with (/r/CODE or /report?ref=CODE), until their report starts. */
const REF_COOKIE = 'lantern_ref'
type Body = Record<string, unknown>

const FIELD_ORDER: Record<PageName, string[]> = {
  what: ['what'],
  where: ['place', 'town', 'postcode', 'placeKind'],
  when: ['when', 'ongoing', 'details'],
  people: ['description', 'signs', 'seemed'],
  contact: ['name', 'phone', 'email', 'heardVia'],
}
const TITLES: Record<PageName, string> = { what: 'what.title', where: 'where.title', when: 'when.title', people: 'people.title', contact: 'contact.title' }

declare module 'fastify' {
  interface FastifyRequest {
    /** The public pages' language for this request, and its translator. */
    publicLanguage?: { code: string; t: Translate }
  }
}

/**
 * The public pages: "report a concern" at /report and "spot the signs". No sign-in; CSRF protection still
 * applies (its secret lives in a cookie, so it works without a session); no tracking and no third-party
 * requests; every word from the message files in ./messages.
 */
export function registerPublicPages(app: FastifyInstance, { config, services }: AppDeps): void {
  const languages = loadLanguages()
  const reports = services.publicReports
  const cookieBase = { httpOnly: true, sameSite: 'lax' as const, secure: config.cookieSecure }

  /** ?lang=cy chooses a language and remembers it; otherwise the remembered one, or English. */
  function languageOf(request: FastifyRequest, reply: FastifyReply): { code: string; t: Translate } {
    const asked = asString((request.query as Record<string, unknown> | undefined)?.lang)
    let code = request.cookies[LANGUAGE_COOKIE] ?? DEFAULT_LANGUAGE
    if (languages.has(asked)) {
      code = asked
      // Remembers a choice the reporter made; not tracking. A year, so a returning reporter keeps it.
      reply.setCookie(LANGUAGE_COOKIE, code, { ...cookieBase, path: '/', maxAge: 365 * 24 * 3600 })
    }
    if (!languages.has(code)) code = DEFAULT_LANGUAGE
    const chosen = { code, t: translator(languages, code) }
    request.publicLanguage = chosen
    return chosen
  }

  function render(request: FastifyRequest, reply: FastifyReply, template: string, context: Record<string, unknown>) {
    const language = request.publicLanguage ?? languageOf(request, reply)
    const path = request.url.split('?')[0]
    return reply.page(template, {
      ...context,
      t: language.t,
      phoneLinks,
      lang: language.code,
      languages: [...languages.values()].map((l) => ({ code: l.code, name: l.name, href: `${path}?lang=${l.code}`, current: l.code === language.code })),
    })
  }

  function translateErrors(t: Translate, errors: PageErrors): FieldErrors {
    return Object.fromEntries(Object.entries(errors).map(([field, e]) => [field, t(e.key, e.params)]))
  }

  /** Said plainly when a report could not be saved: call the helpline, and here is what you typed. */
  function renderUnavailable(request: FastifyRequest, reply: FastifyReply) {
    const t = request.publicLanguage?.t ?? translator(languages, DEFAULT_LANGUAGE)
    const body = (request.body ?? {}) as Body
    const typed = Object.entries(body)
      .filter(([key, value]) => !['_csrf', 'idempotencyKey', 'website'].includes(key) && asString(value).trim() !== '')
      .map(([key, value]) => ({ label: key.replace(/^copy-/, ''), value: Array.isArray(value) ? value.join(', ') : asString(value) }))
    reply.header('retry-after', '60')
    return render(request, reply.code(503), 'public/views/problem.njk', {
      pageTitle: t('unavailable.title'),
      paragraphs: [t('unavailable.text'), t('unavailable.call')],
      typed: typed.map((f) => ({ label: labelFor(t, f.label), value: f.value })),
    })
  }

  function labelFor(t: Translate, field: string): string {
    const labels: Record<string, string> = {
      what: 'check.what', place: 'check.where', town: 'where.town', postcode: 'where.postcode', when: 'check.when', ongoing: 'check.ongoing', details: 'check.whenDetails',
      description: 'check.people', signs: 'check.signs', seemed: 'check.seemed', name: 'contact.name', phone: 'contact.phone', email: 'contact.email', placeKind: 'check.placeKind', heardVia: 'check.heardVia',
    }
    return labels[field] ? t(labels[field]) : field
  }

  app.register(async (scope) => {
    // Public pages answer their own problems in the reporter's language, with the helpline; anything else
    // goes on to the application's error handler.
    scope.setErrorHandler((error: FastifyError, request, reply) => {
      const t = request.publicLanguage?.t ?? languageOf(request, reply).t
      if (isDatabaseUnavailable(error)) {
        request.log.error({ err: { code: (error as { code?: string }).code, message: error.message } }, 'database unavailable (public report)')
        return renderUnavailable(request, reply)
      }
      if (error.statusCode === 429) {
        reply.header('retry-after', '60')
        return render(request, reply.code(429), 'public/views/problem.njk', { pageTitle: t('limited.title'), paragraphs: [t('limited.text')] })
      }
      if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
        return render(request, reply.code(403), 'public/views/problem.njk', { pageTitle: t('expiredForm.title'), paragraphs: [t('expiredForm.text')] })
      }
      throw error
    })

    // Per client and per route. Reading and answering pages is generous, as a person goes back and forth;
    // sending is the tight one. All scale with the one setting, so the load benchmark can raise them together.
    const perMinute = config.publicReportRateLimitPerMinute
    const publicPage = { config: { access: 'public' as const, rateLimit: { max: Math.max(120, perMinute * 12), timeWindow: '1 minute' } } }
    const publicForm = { config: { access: 'public' as const, rateLimit: { max: Math.max(60, perMinute * 6), timeWindow: '1 minute' } } }
    const submitForm = { config: { access: 'public' as const, rateLimit: { max: perMinute, timeWindow: '1 minute' } } }

    /** Remembers the outreach code a reporter came with, for the report they go on to start: a code no event has is ignored. */
    async function rememberRef(reply: FastifyReply, value: string) {
      const event = await services.outreach.eventByRefCode(value)
      if (event) reply.setCookie(REF_COOKIE, event.refCode, { ...cookieBase, path: '/report', maxAge: 24 * 3600 })
    }

    // The short link printed on posters and leaflets, and in their QR codes: counts the report for its event.
    scope.get<{ Params: { code: string } }>('/r/:code', publicPage, async (request, reply) => {
      await rememberRef(reply, request.params.code.slice(0, 30))
      return reply.redirect('/report', 303)
    })

    scope.get<{ Querystring: Record<string, string | undefined> }>('/report', publicPage, async (request, reply) => {
      if (request.query.ref) await rememberRef(reply, asString(request.query.ref).slice(0, 30))
      const { t } = languageOf(request, reply)
      return render(request, reply, 'public/views/start.njk', { pageTitle: t('start.title'), expired: request.query.expired === '1', draftHours: reports.draftHours })
    })

    scope.post('/report/start', { config: { access: 'public', rateLimit: { max: Math.max(20, perMinute * 2), timeWindow: '1 minute' } } }, async (request, reply) => {
      languageOf(request, reply)
      const token = await reports.start(request.cookies[REF_COOKIE])
      reply.clearCookie(REF_COOKIE, { path: '/report' })
      // Holds the report together across pages; it ends with the browser session.
      reply.setCookie(DRAFT_COOKIE, token, { ...cookieBase, path: '/report' })
      return reply.redirect('/report/what', 303)
    })

    async function loadDraft(request: FastifyRequest, reply: FastifyReply) {
      const token = request.cookies[DRAFT_COOKIE]
      const found = await reports.get(token)
      if (!found) {
        reply.redirect(token ? '/report?expired=1' : '/report', 303)
        return null
      }
      return { token: token!, ...found }
    }

    const previousOf = (page: PageName) => (page === 'what' ? '/report' : `/report/${PAGES[PAGES.indexOf(page) - 1]}`)

    function questionPage(request: FastifyRequest, reply: FastifyReply, page: PageName, values: Record<string, unknown>, errors: FieldErrors) {
      const { t } = request.publicLanguage ?? languageOf(request, reply)
      return render(request, reply, `public/views/${page}.njk`, {
        pageTitle: t(TITLES[page]),
        values,
        errors,
        errorList: errorSummary(errors, FIELD_ORDER[page]),
        action: `/report/${page}${(request.query as Record<string, string>).from === 'check' ? '?from=check' : ''}`,
        back: (request.query as Record<string, string>).from === 'check' ? '/report/check' : previousOf(page),
        limits: LIMITS,
        whenChoices: WHEN_CHOICES,
        ongoingChoices: ONGOING_CHOICES,
        signs: SIGNS,
        placeKinds: PLACE_KINDS,
        heardVia: HEARD_VIA,
      })
    }

    for (const page of PAGES) {
      scope.get(`/report/${page}`, publicPage, async (request, reply) => {
        languageOf(request, reply)
        const found = await loadDraft(request, reply)
        if (!found) return reply
        return questionPage(request, reply, page, (found.draft[page] as Record<string, unknown> | undefined) ?? {}, {})
      })
      scope.post<{ Body: Body }>(`/report/${page}`, publicForm, async (request, reply) => {
        const { t } = languageOf(request, reply)
        const found = await loadDraft(request, reply)
        if (!found) return reply
        const { values, errors } = readPage(page, request.body ?? {})
        if (Object.keys(errors).length > 0) return questionPage(request, reply.code(400), page, values, translateErrors(t, errors))
        await reports.save(found.token, { ...found.draft, [page]: values })
        const fromCheck = (request.query as Record<string, string>).from === 'check'
        const next = fromCheck || page === 'contact' ? '/report/check' : `/report/${PAGES[PAGES.indexOf(page) + 1]}`
        return reply.redirect(next, 303)
      })
    }

    function checkPage(request: FastifyRequest, reply: FastifyReply, draft: ReportDraft, idempotencyKey: string, errors: FieldErrors = {}) {
      const { t } = request.publicLanguage ?? languageOf(request, reply)
      const d = draft as Required<ReportDraft>
      const row = (label: string, text: string, page: PageName) => ({
        key: { text: t(label) },
        value: { html: linesAsHtml(text.trim() ? text : t('common.notGiven')) },
        actions: { items: [{ href: `/report/${page}?from=check`, text: t('common.change'), visuallyHiddenText: t(label) }] },
      })
      const contact = [d.contact.name, d.contact.phone, d.contact.email].map((v) => v.trim()).filter(Boolean)
      const rows = [
        row('check.what', d.what.what, 'what'),
        row('check.where', [d.where.place, d.where.town, d.where.postcode].filter((v) => v.trim()).join('\n'), 'where'),
        row('check.when', t(`when.${d.when.when}`), 'when'),
        row('check.ongoing', t(d.when.ongoing === 'dont-know' ? 'when.dontKnow' : `when.${d.when.ongoing}`), 'when'),
        row('check.whenDetails', d.when.details, 'when'),
        row('check.people', d.people.description, 'people'),
        row('check.signs', d.people.signs.map((s) => t(`sign.${s}`)).join('\n'), 'people'),
        row('check.seemed', d.people.seemed, 'people'),
        row('check.placeKind', d.where.placeKind ? t(`placeKind.${d.where.placeKind}`) : '', 'where'),
        row('check.heardVia', d.contact.heardVia ? t(`heardVia.${d.contact.heardVia}`) : '', 'contact'),
        { ...row('check.contact', contact.join('\n'), 'contact'), value: { html: linesAsHtml(contact.length ? contact.join('\n') : t('check.anonymous')) } },
      ]
      const copies = Object.entries({ ...d.what, ...d.where, ...d.when, ...d.people, ...d.contact })
        .filter(([, v]) => (Array.isArray(v) ? v.length > 0 : String(v).trim() !== ''))
        .map(([name, v]) => ({ name, value: Array.isArray(v) ? v.map((s) => t(`sign.${s}`)).join(', ') : name === 'placeKind' ? t(`placeKind.${v}`) : name === 'heardVia' ? t(`heardVia.${v}`) : String(v) }))
      return render(request, reply, 'public/views/check.njk', { pageTitle: t('check.title'), rows, idempotencyKey, copies, errors, errorList: errorSummary(errors) })
    }

    scope.get('/report/check', publicPage, async (request, reply) => {
      languageOf(request, reply)
      const found = await loadDraft(request, reply)
      if (!found) return reply
      const missing = firstMissingPage(found.draft)
      if (missing) return reply.redirect(`/report/${missing}`, 303)
      return checkPage(request, reply, found.draft, found.idempotencyKey)
    })

    scope.post<{ Body: Body }>('/report/check', submitForm, async (request, reply) => {
      const { code, t } = languageOf(request, reply)
      const body = request.body ?? {}
      if (asString(body.website) !== '') {
        const found = await reports.get(request.cookies[DRAFT_COOKIE])
        if (!found) return reply.redirect('/report', 303)
        return checkPage(request, reply.code(400), found.draft, found.idempotencyKey, { website: t('check.error.honeypot') })
      }
      const result = await reports.submit(request.cookies[DRAFT_COOKIE], asString(body.idempotencyKey), { language: code, languageName: languages.get(code)?.name ?? code }, actorOf(request))
      if (result.kind === 'expired') return reply.redirect('/report?expired=1', 303)
      if (result.kind === 'incomplete') return reply.redirect('/report/check', 303)
      // Saved (committed) before this reply: only now is the reporter told so.
      reply.clearCookie(DRAFT_COOKIE, { path: '/report' })
      reply.setCookie(SENT_COOKIE, result.reference, { ...cookieBase, path: '/report', signed: true })
      return reply.redirect('/report/sent', 303)
    })

    scope.get('/report/sent', publicPage, async (request, reply) => {
      const { t } = languageOf(request, reply)
      const signed = request.cookies[SENT_COOKIE]
      const unsigned = signed ? request.unsignCookie(signed) : null
      if (!unsigned?.valid || !unsigned.value) return reply.redirect('/report', 303)
      return render(request, reply, 'public/views/sent.njk', { pageTitle: t('sent.title'), reference: unsigned.value })
    })

    scope.get('/spot-the-signs', publicPage, async (request, reply) => {
      const { t } = languageOf(request, reply)
      return render(request, reply, 'public/views/signs.njk', { pageTitle: t('signs.title') })
    })

    // A mistyped public address is answered as a public page, in the reporter's language, with the way to
    // report: a member of the public must never be sent to the staff sign-in.
    const notFound = async (request: FastifyRequest, reply: FastifyReply) => {
      const { t } = languageOf(request, reply)
      return render(request, reply.code(404), 'public/views/problem.njk', { pageTitle: t('notFound.title'), paragraphs: [t('notFound.text')], startLink: true })
    }
    scope.get('/report/*', publicPage, notFound)
    scope.get('/spot-the-signs/*', publicPage, notFound)
    scope.get('/r/*', publicPage, notFound)
  })
}
