import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AppDeps } from '#src/app.ts'
import { actorOf } from '#src/platform/http/access.ts'
import { isUuid } from '#src/shared/ids.ts'
import { formatDateTime } from '#src/shared/dates.ts'
import { DISCLOSABLE_FIELDS, isDisclosableField, LAWFUL_BASES, type LawfulBasis } from '#src/modules/disclosures/disclosure.fields.ts'
import type * as repo from './dpo.repository.ts'
import { AUDIT_ACTIONS, type AuditCategory } from '#src/platform/audit/audit-events.ts'

const ACTION_LABELS: Record<string, string> = {
  'person.viewed': 'Viewed their record',
  'victim-facet.viewed': 'Viewed their victim facet',
  'referral.viewed': 'Viewed a referral about them',
  'immigration-status.viewed': 'Viewed immigration status',
  'immigration-status.recorded': 'Recorded immigration status',
  'disclosure.made': 'Disclosed to a partner',
  'disclosure.approved': 'Approved a disclosure',
  'disclosure.revoked': 'Revoked a disclosure',
  'disclosure.viewed': 'Partner viewed the disclosure',
  'subject-access.exported': 'Exported in a subject access bundle',
  'subject-access.viewed': 'Reviewed a subject access bundle',
}

const LOG_PAGE = 100

/** The DPA 2018 s62 categories, plus security events (sign-in, lockout) that fall outside them. */
const CATEGORY_LABELS: Record<AuditCategory, string> = {
  collection: 'Collection',
  alteration: 'Alteration',
  consultation: 'Consultation',
  disclosure: 'Disclosure (including transfers)',
  combination: 'Combination',
  erasure: 'Erasure',
  security: 'Security (sign-in and access control)',
}
const AUDIT_CATEGORIES = Object.keys(CATEGORY_LABELS) as AuditCategory[]
const isAuditCategory = (value: string): value is AuditCategory => Object.hasOwn(CATEGORY_LABELS, value)

/** A spreadsheet cell that cannot run as a formula (CSV injection) and survives commas, quotes and new lines. */
function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

function sendCsv(reply: FastifyReply, filename: string, header: string[], rows: unknown[][]) {
  const body = [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'
  return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).header('cache-control', 'no-store').send(body)
}

function quarterRange(quarter: string): { from: Date; to: Date } | null {
  const match = /^(\d{4})-Q([1-4])$/.exec(quarter)
  if (!match) return null
  const year = Number(match[1])
  const q = Number(match[2])
  return { from: new Date(Date.UTC(year, (q - 1) * 3, 1)), to: new Date(Date.UTC(q === 4 ? year + 1 : year, q === 4 ? 0 : q * 3, 1)) }
}

function currentQuarter(now = new Date()): string {
  return `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`
}

/** Signed in, or the API token used and who made it, so a read done with a token is traced to its maker too. */
function via(r: repo.Via): string {
  if (!r.via_token) return 'Signed in'
  if (!r.token_held) return 'API token (no longer held)'
  return r.token_maker ? `API token made by ${r.token_maker}` : 'API token made at the command line'
}

/** Reports a data protection officer runs over the audit log: who saw what about a person, and what left to whom. */
export function registerDpoPages(app: FastifyInstance, { services }: AppDeps): void {
  const access = { config: { access: 'audit:view' as const } }

  app.get<{ Querystring: Record<string, string | undefined> }>('/audit/person', access, async (request, reply) => {
    const personId = request.query.personId?.trim() ?? ''
    const about = request.query.about === 'immigration-status' ? 'immigration-status' : 'address'
    const days = Math.min(Math.max(Number.parseInt(request.query.days ?? '90', 10) || 90, 1), 3650)
    const errors: Record<string, string> = {}
    if (request.query.personId !== undefined && !isUuid(personId)) errors.personId = 'Enter the person’s Lantern id, from their record'
    let rows: repo.AccessRow[] = []
    let personName: string | null = null
    if (isUuid(personId)) {
      ;({ rows, personName } = await services.dpo.personAccess(personId, about, days, actorOf(request)))
    }
    const described = rows.map((r) => ({
      when: formatDateTime(r.occurred_at),
      who: r.user_name ?? 'System',
      role: r.role ?? '',
      // A disclosure or bundle about someone else that carried one of this person's places says so.
      what: `${ACTION_LABELS[r.action] ?? r.action}${r.about_other ? ' (another person’s record, carrying this place)' : ''}`,
      why: r.justification ?? '',
      via: via(r),
    }))
    if (request.query.format === 'csv' && isUuid(personId)) {
      return sendCsv(reply, `${about}-access-${personId}.csv`, ['When', 'Who', 'Role', 'What', 'Why', 'Via'], described.map((d) => [d.when, d.who, d.role, d.what, d.why, d.via]))
    }
    return reply.code(Object.keys(errors).length ? 400 : 200).page('dpo/views/person.njk', {
      pageTitle: 'Who has seen a person’s details',
      personId,
      personName,
      about,
      days,
      rows: described,
      searched: isUuid(personId),
      errors,
      errorList: Object.entries(errors).map(([k, v]) => ({ text: v, href: `#${k}` })),
    })
  })

  app.get<{ Querystring: Record<string, string | undefined> }>('/audit/log', access, async (request, reply) => {
    const category = request.query.category && isAuditCategory(request.query.category) ? request.query.category : null
    const action = request.query.action && Object.hasOwn(AUDIT_ACTIONS, request.query.action) ? request.query.action : null
    const days = Math.min(Math.max(Number.parseInt(request.query.days ?? '30', 10) || 30, 1), 3650)
    const page = Math.max(Number.parseInt(request.query.page ?? '1', 10) || 1, 1)
    const csv = request.query.format === 'csv'
    const limit = csv ? 10_000 : LOG_PAGE
    const to = new Date()
    const from = new Date(to.getTime() - days * 86_400_000)
    const rows = await services.dpo.log({ category, action, from, to }, { limit: limit + 1, offset: csv ? 0 : (page - 1) * LOG_PAGE }, actorOf(request))
    const described = rows.slice(0, limit).map((r) => ({
      id: r.id,
      when: formatDateTime(r.occurred_at),
      category: r.category,
      action: ACTION_LABELS[r.action] ?? r.action,
      who: r.user_name ?? 'System',
      via: via(r),
      subject: r.subject_type ? `${r.subject_type}${r.subject_id ? ` ${r.subject_id}` : ''}` : '',
      why: r.justification ?? '',
    }))
    if (csv) {
      return sendCsv(reply, `audit-log${category ? `-${category}` : ''}.csv`, ['Event', 'When', 'Category', 'What', 'Who', 'Via', 'About', 'Why'], described.map((d) => [d.id, d.when, d.category, d.action, d.who, d.via, d.subject, d.why]))
    }
    const query = (p: number) => `/audit/log?${new URLSearchParams({ ...(category ? { category } : {}), ...(action ? { action } : {}), days: String(days), page: String(p) }).toString()}`
    return reply.page('dpo/views/log.njk', {
      pageTitle: 'Audit log',
      categoryItems: [{ value: '', text: 'All categories' }, ...AUDIT_CATEGORIES.map((c) => ({ value: c, text: CATEGORY_LABELS[c], selected: c === category }))],
      actionItems: [{ value: '', text: 'All actions' }, ...Object.entries(AUDIT_ACTIONS).filter(([, c]) => !category || c === category).map(([a]) => ({ value: a, text: a, selected: a === action }))],
      days,
      rows: described,
      csvHref: `${query(1)}&format=csv`,
      pagination: { previous: page > 1 ? query(page - 1) : null, next: rows.length > limit ? query(page + 1) : null },
    })
  })

  app.get<{ Querystring: Record<string, string | undefined> }>('/audit/disclosures', access, async (request, reply) => {
    const agencyId = request.query.agencyId ?? ''
    const quarter = request.query.quarter ?? currentQuarter()
    const range = quarterRange(quarter)
    const errors: Record<string, string> = {}
    if (!range) errors.quarter = 'Enter a quarter like 2026-Q4'
    if (request.query.agencyId !== undefined && !isUuid(agencyId)) errors.agencyId = 'Select an agency'
    let rows: repo.DisclosureReportRow[] = []
    if (range && isUuid(agencyId)) {
      rows = await services.dpo.disclosuresTo(agencyId, range, quarter, actorOf(request))
    }
    const described = rows.map((r) => ({
      when: formatDateTime(r.occurred_at),
      what: ACTION_LABELS[r.action] ?? r.action,
      who: r.user_name ?? 'System',
      person: r.person_name ?? r.person_id,
      personId: r.person_id,
      fields: r.fields.map((f) => (isDisclosableField(f) ? DISCLOSABLE_FIELDS[f].label : f)).join('; '),
      purpose: r.purpose ?? '',
      basis: r.lawful_basis ? (LAWFUL_BASES[r.lawful_basis as LawfulBasis] ?? r.lawful_basis) : '',
      agreement: r.agreement_title ?? '',
    }))
    if (request.query.format === 'csv' && range && isUuid(agencyId)) {
      return sendCsv(reply, `disclosures-${quarter}.csv`, ['When', 'What', 'Who', 'Person', 'Person id', 'Fields', 'Purpose', 'Lawful basis', 'Agreement'], described.map((d) => [d.when, d.what, d.who, d.person, d.personId, d.fields, d.purpose, d.basis, d.agreement]))
    }
    return reply.code(Object.keys(errors).length ? 400 : 200).page('dpo/views/disclosures.njk', {
      pageTitle: 'What was disclosed to an agency',
      agencies: await services.partners.list({ includeInactive: true }),
      agencyId,
      quarter,
      rows: described,
      searched: Boolean(range && isUuid(agencyId)),
      errors,
      errorList: Object.entries(errors).map(([k, v]) => ({ text: v, href: `#${k}` })),
    })
  })
}
