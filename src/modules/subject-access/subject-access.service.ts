import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import { formatDate, formatDateTime } from '#src/shared/dates.ts'
import * as repo from './subject-access.repository.ts'
import { Redactor, type Redaction, type ReviewedRedaction } from './redactor.ts'
import { subjectAccessPdf } from './subject-access.pdf.ts'

export const SubjectAccessError = defineDomainError('SubjectAccessError', { 'not-found': 404, invalid: 400 })

export type Entry = { title: string; fields: [string, string][] }
export type Section = { key: string; title: string; entries: Entry[] }

export type Bundle = {
  format: 'lantern-subject-access/1'
  generatedAt: string
  requestReference: string
  personId: string
  subjectName: string
  notice: string
  sections: Section[]
  redactions: Redaction[]
}

const NOTICE =
  'Redactions are marked [R1], [R2] … where information about someone else (another person, a referrer, a member of staff or a partner contact) ' +
  'was withheld; the list at the end says why each was withheld. Every redaction is for the disclosure officer to review before release.'

const d = (value: string | Date | null | undefined) => (value ? formatDate(value) : '')
const dt = (value: Date | null | undefined) => (value ? formatDateTime(value) : '')
const yesNo = (value: boolean | null | undefined) => (value === null || value === undefined ? '' : value ? 'Yes' : 'No')
const fields = (pairs: [string, string | null | undefined][]): [string, string][] => pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [k, v!])

/** Subject access (DPA 2018 s45): everything held about a person, with third parties' data redacted for review. */
export function createSubjectAccessService(db: Db) {
  async function build(personId: string, requestReference: string): Promise<{ bundle: Bundle; review: ReviewedRedaction[] }> {
    const person = await repo.person(db, personId)
    if (!person) throw new SubjectAccessError('not-found', 'No person has that Lantern id')
    if (person.merged_into) throw new SubjectAccessError('invalid', 'That record has been merged into another person: export the person it was merged into')
    const [names, documents, immigration, links, referrals, cases, events, victim, safeguarding, disclosures, processing, thirdParties, staff] = await Promise.all([
      repo.names(db, personId),
      repo.documents(db, personId),
      repo.immigrationStatus(db, personId),
      repo.links(db, personId),
      repo.referrals(db, personId),
      repo.cases(db, personId),
      repo.events(db, personId),
      repo.victimRecords(db, personId),
      repo.safeguarding(db, personId),
      repo.disclosures(db, personId),
      repo.processingSummary(db, personId),
      repo.thirdParties(db, personId),
      repo.staffNames(db),
    ])
    const own = names.map((n) => n.full_name)
    const referrers = referrals.flatMap((r) => [r.referrer_name, r.referrer_contact].filter((v): v is string => Boolean(v && v.trim())))
    const redactor = new Redactor(
      [
        ...thirdParties.map((t) => ({ text: t.full_name, category: 'third-party-person' as const, reason: `Another person’s name (${t.context})` })),
        ...referrers.map((text) => ({ text, category: 'referrer' as const, reason: 'The identity of the person who made a referral (a third party who gave information)' })),
        ...staff.filter((s) => s.name.trim().includes(' ')).map((s) => ({ text: s.name, category: 'staff-or-partner' as const, reason: `The name of a ${s.kind}` })),
      ],
      own,
    )
    const t = (value: string | null, where: string) => redactor.text(value, where) ?? ''
    const otherNames = new Map(thirdParties.map((p) => [p.person_id, p.full_name]))

    const sections: Section[] = []
    sections.push({
      key: 'person',
      title: 'Your details',
      entries: [
        { title: 'Names', fields: names.map((n) => [n.kind === 'primary' ? 'Name' : 'Also known as', n.full_name] as [string, string]) },
        {
          title: 'Details',
          fields: fields([
            ['Date of birth', d(person.date_of_birth)],
            ['Approximate age', person.approximate_age === null ? null : String(person.approximate_age)],
            ['Age disputed', person.age_disputed ? 'Yes' : null],
            ['Gender', person.gender],
            ['Nationalities', person.nationalities.join(', ')],
            ['Languages', person.languages.join(', ')],
            ['Vulnerability', t(person.vulnerability, 'Your details: vulnerability')],
            ['Record created', dt(person.created_at)],
          ]),
        },
        ...documents.map((doc) => ({ title: `Document: ${doc.kind}`, fields: fields([['Number', doc.number], ['Issuing country', doc.issuing_country], ['Expires', d(doc.expires_on)], ['Held by you', yesNo(doc.held_by_person)]]) })),
        ...immigration.map((s) => ({ title: 'Immigration status', fields: fields([['Status', s.status], ['Notes', t(s.notes, 'Immigration status: notes')], ['Recorded', dt(s.recorded_at)]]) })),
      ],
    })
    sections.push({
      key: 'links',
      title: 'Phones, places, accounts and links',
      entries: links.map((l) => {
        const what = l.to_type === 'object' ? `${l.object_kind}: ${l.object_value}` : l.to_type === 'location' ? `Place: ${l.address}` : `Another person: ${redactor.whole(otherNames.get(l.to_id) ?? 'another person', 'third-party-person', 'Another person linked to you', `Link (${l.relation})`)}`
        return { title: l.relation, fields: fields([['What', what], ['From', d(l.valid_from)], ['To', d(l.valid_to)], ['Source', t(l.source, `Link (${l.relation}): source`)]]) }
      }),
    })
    sections.push({
      key: 'referrals',
      title: 'Referrals',
      entries: referrals.map((r) => ({
        title: `Referral ${r.reference}`,
        fields: fields([
          ['Received', dt(r.received_at)],
          ['Your role', r.role],
          ['Source', r.source],
          ['Referring organisation', r.referring_organisation],
          ['Referrer', redactor.whole(r.referrer_name, 'referrer', 'The identity of the person who made the referral (a third party who gave information)', `Referral ${r.reference}: referrer`)],
          ['Referrer contact', redactor.whole(r.referrer_contact, 'referrer', 'The referrer’s contact details (a third party)', `Referral ${r.reference}: referrer contact`)],
          ['Summary', t(r.summary, `Referral ${r.reference}: summary`)],
          ['Exploitation types', r.exploitation_types.join(', ')],
          ['Status', r.status + (r.closure_reason ? ` (${r.closure_reason})` : '')],
        ]),
      })),
    })
    sections.push({
      key: 'cases',
      title: 'Live jobs and events',
      entries: [
        ...cases.map((c) => ({ title: `Live job ${c.reference}`, fields: fields([['Title', t(c.title, `Live job ${c.reference}: title`)], ['Your role', c.role], ['Status', c.status], ['Opened', dt(c.created_at)], ['Closed', dt(c.closed_at)]]) })),
        ...events.map((e) => ({ title: `Event: ${e.kind}`, fields: fields([['When', dt(e.occurred_at)], ['Live job', e.case_reference], ['Your role', e.role], ['Summary', t(e.summary, `Event on ${d(e.occurred_at)}: summary`)]]) })),
      ],
    })
    sections.push({
      key: 'victim',
      title: 'Screening, consent, NRM and Duty to Notify',
      entries: [
        ...victim.screenings.map((s) => ({ title: 'Screening', fields: fields([['Started', dt(s.created_at)], ['Status', s.status], ['Suggested route', s.suggested_route], ['Confirmed route', s.confirmed_route]]) })),
        ...victim.consents.map((c) => ({ title: `Consent: ${c.purpose}`, fields: fields([['Decision', c.decision], ['Recorded', d(c.recorded_on)], ['Interpreter', c.interpreter_used ? c.interpreter_language || 'Yes' : 'No']]) })),
        ...victim.nrm.map((n) => ({
          title: `NRM referral${n.nrm_reference ? ` ${n.nrm_reference}` : ''}`,
          fields: fields([
            ['Nation', n.nation],
            ['Submitted', d(n.submitted_on)],
            ['Competent authority', n.competent_authority],
            ['Child at referral', yesNo(n.child_at_referral)],
            ...victim.nrmEvents.filter((e) => e.nrm_referral_id === n.id).map((e) => [`${d(e.occurred_on)}: ${e.kind}`, [e.outcome, t(e.notes, `NRM event ${e.kind}: notes`)].filter(Boolean).join('. ')] as [string, string]),
          ]),
        })),
        ...victim.dtn.map((x) => ({ title: 'Duty to Notify', fields: fields([['Submitted', d(x.submitted_on)], ['Reference', x.reference]]) })),
      ],
    })
    sections.push({
      key: 'safeguarding',
      title: 'Safeguarding',
      entries: safeguarding.plans.map((p) => ({
        title: `Safeguarding plan ${p.reference}`,
        fields: [
          ...safeguarding.risks.filter((r) => r.plan_id === p.id).map((r) => [`Risk (${r.rating})`, [t(r.description, `Plan ${p.reference}: risk`), t(r.rationale, `Plan ${p.reference}: risk rationale`)].filter(Boolean).join('. ')] as [string, string]),
          ...safeguarding.needs.filter((n) => n.plan_id === p.id).map((n) => [`Need: ${n.kind} (${n.status})`, t(n.detail, `Plan ${p.reference}: need`)] as [string, string]),
          ...safeguarding.actions.filter((a) => a.plan_id === p.id).map((a) => [`Action (${a.status}${a.due_on ? `, due ${d(a.due_on)}` : ''})`, t(a.text, `Plan ${p.reference}: action`) + (a.agency ? ` (${a.agency})` : '')] as [string, string]),
          ...safeguarding.reviews.filter((r) => r.plan_id === p.id).map((r) => [`Review due ${d(r.due_on)}${r.held_on ? `, held ${d(r.held_on)}` : ''}`, t(r.notes, `Plan ${p.reference}: review notes`)] as [string, string]),
        ],
      })),
    })
    sections.push({
      key: 'disclosures',
      title: 'Who your information was shared with',
      entries: disclosures.map((x) => ({ title: x.agency, fields: fields([['Shared', dt(x.created_at)], ['Purpose', t(x.purpose, `Disclosure to ${x.agency}: purpose`)], ['What', x.fields.join(', ')], ['Status', x.status], ['Until', dt(x.revoked_at ?? x.expires_at)]]) })),
    })
    sections.push({
      key: 'processing',
      title: 'How your record was used (from the audit log)',
      entries: processing.map((p) => ({ title: `${p.category}: ${p.action}`, fields: [['Times', String(p.count)], ['First', dt(p.first)], ['Last', dt(p.last)]] as [string, string][] })),
    })

    const bundle: Bundle = {
      format: 'lantern-subject-access/1',
      generatedAt: new Date().toISOString(),
      requestReference,
      personId,
      subjectName: own[0] ?? 'Unnamed person',
      notice: NOTICE,
      sections,
      redactions: redactor.redactions,
    }
    return { bundle, review: redactor.forReview }
  }

  return {
    /** The reviewer's view: the bundle and each redaction with its original value. Audited as a consultation. */
    async review(personId: string, requestReference: string, actor: Actor) {
      const result = await build(personId, requestReference)
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [{ action: 'subject-access.viewed', subjectType: 'person', subjectId: personId, justification: `Subject access request ${requestReference}`, details: { redactions: result.review.length } }]),
      )
      return result
    },

    /** The releasable files: JSON or PDF, redactions marked. Audited as a disclosure (s62(3)) to the data subject. */
    async export(personId: string, requestReference: string, format: 'json' | 'pdf', actor: Actor): Promise<{ bundle: Bundle; body: Buffer }> {
      const { bundle } = await build(personId, requestReference)
      const body = format === 'json' ? Buffer.from(JSON.stringify(bundle, null, 2)) : await subjectAccessPdf(bundle)
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [
          {
            action: 'subject-access.exported',
            subjectType: 'person',
            subjectId: personId,
            justification: `Subject access request ${requestReference}`,
            details: { format, recipient: 'data-subject', sections: bundle.sections.map((s) => s.key), redactions: bundle.redactions.length },
          },
        ]),
      )
      return { bundle, body }
    },
  }
}

export type SubjectAccessService = ReturnType<typeof createSubjectAccessService>
