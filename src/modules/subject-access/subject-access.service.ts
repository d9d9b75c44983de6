import type { Db } from '#src/platform/db/database.ts'
import { draftAnswerRows } from '#src/modules/nrm/index.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import { can, type CurrentUser } from '#src/platform/auth/permissions.ts'
import { isRecordVisible, victimFacetAccess } from '#src/modules/people/index.ts'
import { formatDate, formatDateTime } from '#src/shared/dates.ts'
import { countryName } from '#src/shared/reference-data.ts'
import { victimContextForCopy } from '#src/modules/victim-context/index.ts'
import * as repo from './subject-access.repository.ts'
import { GRADE_LEVELS, THRIVE_ELEMENTS } from '#src/modules/referrals/index.ts'
import { Redactor, type ReviewedRedaction } from './redactor.ts'
import { subjectAccessPdf } from './subject-access.pdf.ts'
import type { Bundle, Entry, Section, Withheld } from './subject-access.bundle.ts'

export const SubjectAccessError = defineDomainError('SubjectAccessError', { 'not-found': 404, invalid: 400 })

/**
 * The ids of the records a bundle carried, for its audit row: the DPO's "who has seen" reports find an export by
 * them (a place, say, that is also another person's), and `immigrationStatus` says whether it carried the status.
 */
export type CarriedRecords = {
  locations: string[]
  objects: string[]
  people: string[]
  referrals: string[]
  cases: string[]
  events: string[]
  nrmReferrals: string[]
  safeguardingPlans: string[]
  supportContacts: string[]
  supportReferrals: string[]
  victimContext: string[]
  immigrationStatus: boolean
}

const NOTICE =
  'Redactions are marked [R1], [R2] … where information about someone else (another person, a referrer, a member of staff or a partner contact) ' +
  'was withheld; the list at the end says why each was withheld. Every redaction is for the disclosure officer to review before release. ' +
  'A part marked “withheld: needs …” was left out because whoever produced this copy may not see it: someone who holds that permission ' +
  'must complete it before release.'

/** Why each protected part may be withheld, in the words the marker uses. */
const WITHHELD_REASONS: Record<'immigration-status:view' | 'victim-facet:view' | 'case:supervise', string> = {
  'immigration-status:view':
    'immigration status is seen only by those who may see it, stating why; a holder of that permission must complete this part, including any sharing of it',
  'victim-facet:view':
    'the victim information (screening, consent, NRM, Duty to Notify and safeguarding) is seen only by those working the person’s victim side or supervising; one of them must complete this part, including any sharing of it',
  'case:supervise':
    'restricted live jobs are seen only by their officer in charge, their members and supervisors; one of them must complete this part with any restricted live jobs and their events',
}
const withheldEntry = (part: string, needs: keyof typeof WITHHELD_REASONS): Entry => ({
  title: part,
  fields: [['Withheld', `withheld: needs ${needs}: ${WITHHELD_REASONS[needs]}`]],
})

/** Audit actions about a protected part: their counts in "how your record was used" would tell that the part exists. */
const IMMIGRATION_ACTION = /^immigration-status\./
const VICTIM_ACTION =
  /^(screening|consent|nrm|dtn|victim-facet|victim-context|safeguarding-plan|safeguarding-action|support|support-contact|support-referral)\./

const d = (value: string | Date | null | undefined) => (value ? formatDate(value) : '')
const dt = (value: Date | null | undefined) => (value ? formatDateTime(value) : '')
const yesNo = (value: boolean | null | undefined) => (value === null || value === undefined ? '' : value ? 'Yes' : 'No')
const fields = (pairs: [string, string | null | undefined][]): [string, string][] =>
  pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [k, v!])

/** Subject access (DPA 2018 s45): everything held about a person, with third parties' data redacted for review. */
export function createSubjectAccessService(db: Db) {
  /**
   * The bundle as this user may produce it: the protected parts they may not see themselves (immigration status,
   * the victim facet, restricted live jobs) are not read at all, and are marked for a holder of the permission
   * to complete, whether or not the person has any, so the marks do not tell that they exist.
   */
  async function build(
    personId: string,
    requestReference: string,
    user: CurrentUser,
  ): Promise<{ bundle: Bundle; review: ReviewedRedaction[]; records: CarriedRecords }> {
    const person = await repo.person(db, personId)
    // A person who exists only inside a restricted live job the producer does not work does not exist for them (ADR 0009).
    if (!person || !(await isRecordVisible(db, 'person', personId, user)))
      throw new SubjectAccessError('not-found', 'No person has that Lantern id')
    if (person.merged_into)
      throw new SubjectAccessError(
        'invalid',
        'That record has been merged into another person: export the person it was merged into',
      )
    const mayImmigration = can(user, 'immigration-status:view')
    const mayVictim = (await victimFacetAccess(db, user, personId)).visible
    const supervisor = can(user, 'case:supervise')
    const noVictimRecords = { screenings: [], consents: [], nrm: [], nrmEvents: [], dtn: [], nrmDrafts: [] }
    const noSafeguarding = { plans: [], risks: [], needs: [], actions: [], reviews: [] }
    const noSupport = { contacts: [], referrals: [] }
    const [
      names,
      documents,
      immigration,
      links,
      referrals,
      gradings,
      allCases,
      allEvents,
      victim,
      safeguarding,
      context,
      allDisclosures,
      allProcessing,
      thirdParties,
      staff,
      support,
    ] = await Promise.all([
      repo.names(db, personId),
      repo.documents(db, personId),
      mayImmigration ? repo.immigrationStatus(db, personId) : [],
      repo.links(db, personId),
      repo.referrals(db, personId),
      repo.gradings(db, personId),
      repo.cases(db, personId, user),
      repo.events(db, personId, user),
      mayVictim ? repo.victimRecords(db, personId) : noVictimRecords,
      mayVictim ? repo.safeguarding(db, personId) : noSafeguarding,
      mayVictim ? victimContextForCopy(db, personId) : [],
      repo.disclosures(db, personId),
      repo.processingSummary(db, personId),
      repo.thirdParties(db, personId, user),
      repo.staffNames(db),
      mayVictim ? repo.support(db, personId) : noSupport,
    ])
    const cases = allCases.filter((c) => supervisor || c.visible)
    const events = allEvents.filter((e) => supervisor || e.visible)
    // A disclosure that shared a protected part is itself about that part.
    const disclosures = allDisclosures.filter(
      (x) =>
        (mayImmigration || !x.fields.includes('immigration-status')) && (mayVictim || !x.fields.includes('nrm-status')),
    )
    const processing = allProcessing.filter(
      (p) => (mayImmigration || !IMMIGRATION_ACTION.test(p.action)) && (mayVictim || !VICTIM_ACTION.test(p.action)),
    )
    const withheld: Withheld[] = []
    const withhold = (section: string, part: string, needs: keyof typeof WITHHELD_REASONS): Entry => {
      withheld.push({ section, part, needs })
      return withheldEntry(part, needs)
    }
    const own = names.map((n) => n.full_name)
    const referrers = referrals.flatMap((r) =>
      [r.referrer_name, r.referrer_contact].filter((v): v is string => Boolean(v && v.trim())),
    )
    const redactor = new Redactor(
      [
        ...thirdParties.map((t) => ({
          text: t.full_name,
          category: 'third-party-person' as const,
          reason: `Another person’s name (${t.context})`,
        })),
        ...referrers.map((text) => ({
          text,
          category: 'referrer' as const,
          reason: 'The identity of the person who made a referral (a third party who gave information)',
        })),
        ...staff
          .filter((s) => s.name.trim().includes(' '))
          .map((s) => ({ text: s.name, category: 'staff-or-partner' as const, reason: `The name of a ${s.kind}` })),
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
        {
          title: 'Names',
          fields: names.map((n) => [n.kind === 'primary' ? 'Name' : 'Also known as', n.full_name] as [string, string]),
        },
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
        ...documents.map((doc) => ({
          title: `Document: ${doc.kind}`,
          fields: fields([
            ['Number', doc.number],
            ['Issuing country', doc.issuing_country],
            ['Expires', d(doc.expires_on)],
            ['Held by you', yesNo(doc.held_by_person)],
          ]),
        })),
        ...(mayImmigration
          ? immigration.map((s) => ({
              title: 'Immigration status',
              fields: fields([
                ['Status', s.status],
                ['Notes', t(s.notes, 'Immigration status: notes')],
                ['Recorded', dt(s.recorded_at)],
              ]),
            }))
          : [withhold('person', 'Immigration status', 'immigration-status:view')]),
      ],
    })
    sections.push({
      key: 'links',
      title: 'Phones, places, accounts and links',
      entries: links.map((l) => {
        const what =
          l.to_type === 'object'
            ? `${l.object_kind}: ${l.object_value}`
            : l.to_type === 'location'
              ? `Place: ${l.address}`
              : `Another person: ${redactor.whole(otherNames.get(l.to_id) ?? 'another person', 'third-party-person', 'Another person linked to you', `Link (${l.relation})`)}`
        return {
          title: l.relation,
          fields: fields([
            ['What', what],
            ['From', d(l.valid_from)],
            ['To', d(l.valid_to)],
            ['Source', t(l.source, `Link (${l.relation}): source`)],
          ]),
        }
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
          [
            'Referrer',
            redactor.whole(
              r.referrer_name,
              'referrer',
              'The identity of the person who made the referral (a third party who gave information)',
              `Referral ${r.reference}: referrer`,
            ),
          ],
          [
            'Referrer contact',
            redactor.whole(
              r.referrer_contact,
              'referrer',
              'The referrer’s contact details (a third party)',
              `Referral ${r.reference}: referrer contact`,
            ),
          ],
          ['Summary', t(r.summary, `Referral ${r.reference}: summary`)],
          ['Exploitation types', r.exploitation_types.join(', ')],
          ['Status', r.status + (r.closure_reason ? ` (${r.closure_reason})` : '')],
        ]),
      })),
    })
    // The team's risk grading at triage: each judgement and its reasons are about the person, so they are theirs to see.
    const sectionOf = sections.find((s) => s.key === 'referrals')!
    for (const g of gradings) {
      sectionOf.entries.push({
        title: `Risk grading of referral ${g.reference}`,
        fields: fields([
          ['Graded', dt(g.graded_at)],
          ...THRIVE_ELEMENTS.items.map(({ value, text }): [string, string | null] => [
            text,
            `${GRADE_LEVELS.label(g[value])}: ${t(g[`${value}_rationale`], `Referral ${g.reference}: ${text.toLowerCase()} rationale`)}`,
          ]),
        ]),
      })
    }
    sections.push({
      key: 'cases',
      title: 'Live jobs and events',
      entries: [
        ...cases.map((c) => ({
          title: `Live job ${c.reference}`,
          fields: fields([
            ['Title', t(c.title, `Live job ${c.reference}: title`)],
            ['Your role', c.role],
            ['Status', c.status],
            ['Opened', dt(c.created_at)],
            ['Closed', dt(c.closed_at)],
          ]),
        })),
        ...events.map((e) => ({
          title: `Event: ${e.kind}`,
          fields: fields([
            ['When', dt(e.occurred_at)],
            ['Live job', e.case_reference],
            ['Your role', e.role],
            ['Summary', t(e.summary, `Event on ${d(e.occurred_at)}: summary`)],
          ]),
        })),
        ...(supervisor ? [] : [withhold('cases', 'Restricted live jobs and their events', 'case:supervise')]),
      ],
    })
    sections.push({
      key: 'victim',
      title: 'Screening, consent, NRM and Duty to Notify',
      entries: [
        ...(mayVictim ? [] : [withhold('victim', 'Screening, consent, NRM and Duty to Notify', 'victim-facet:view')]),
        ...victim.screenings.map((s) => ({
          title: 'Screening',
          fields: fields([
            ['Started', dt(s.created_at)],
            ['Status', s.status],
            ['Suggested route', s.suggested_route],
            ['Confirmed route', s.confirmed_route],
          ]),
        })),
        ...victim.consents.map((c) => ({
          title: `Consent: ${c.purpose}`,
          fields: fields([
            ['Decision', c.decision],
            ['Recorded', d(c.recorded_on)],
            ['Interpreter', c.interpreter_used ? c.interpreter_language || 'Yes' : 'No'],
          ]),
        })),
        ...victim.nrm.map((n) => ({
          title: `NRM referral${n.nrm_reference ? ` ${n.nrm_reference}` : ''}`,
          fields: fields([
            ['Nation', n.nation],
            ['Submitted', d(n.submitted_on)],
            ['Competent authority', n.competent_authority],
            ['Child at referral', yesNo(n.child_at_referral)],
            ...victim.nrmEvents
              .filter((e) => e.nrm_referral_id === n.id)
              .map(
                (e) =>
                  [
                    `${d(e.occurred_on)}: ${e.kind}`,
                    [e.outcome, t(e.notes, `NRM event ${e.kind}: notes`)].filter(Boolean).join('. '),
                  ] as [string, string],
              ),
          ]),
        })),
        ...victim.dtn.map((x) => ({
          title: 'Duty to Notify',
          fields: fields([
            ['Submitted', d(x.submitted_on)],
            ['Reference', x.reference],
          ]),
        })),
        ...victim.nrmDrafts.map((x) => ({
          title: 'NRM referral form (draft)',
          fields: fields([
            ['Last saved', dt(x.updated_at)],
            ...draftAnswerRows(x.data).map(([q, a]) => [q, t(a, `NRM form draft: ${q}`)] as [string, string]),
          ]),
        })),
      ],
    })
    sections.push({
      key: 'safeguarding',
      title: 'Safeguarding',
      entries: [
        ...(mayVictim ? [] : [withhold('safeguarding', 'Safeguarding plans', 'victim-facet:view')]),
        ...safeguarding.plans.map((p) => ({
          title: `Safeguarding plan ${p.reference}`,
          fields: [
            ...safeguarding.risks
              .filter((r) => r.plan_id === p.id)
              .map(
                (r) =>
                  [
                    `Risk (${r.rating})`,
                    [
                      t(r.description, `Plan ${p.reference}: risk`),
                      t(r.rationale, `Plan ${p.reference}: risk rationale`),
                    ]
                      .filter(Boolean)
                      .join('. '),
                  ] as [string, string],
              ),
            ...safeguarding.needs
              .filter((n) => n.plan_id === p.id)
              .map(
                (n) => [`Need: ${n.kind} (${n.status})`, t(n.detail, `Plan ${p.reference}: need`)] as [string, string],
              ),
            ...safeguarding.actions
              .filter((a) => a.plan_id === p.id)
              .map(
                (a) =>
                  [
                    `Action (${a.status}${a.due_on ? `, due ${d(a.due_on)}` : ''})`,
                    t(a.text, `Plan ${p.reference}: action`) + (a.agency ? ` (${a.agency})` : ''),
                  ] as [string, string],
              ),
            ...safeguarding.reviews
              .filter((r) => r.plan_id === p.id)
              .map(
                (r) =>
                  [
                    `Review due ${d(r.due_on)}${r.held_on ? `, held ${d(r.held_on)}` : ''}`,
                    t(r.notes, `Plan ${p.reference}: review notes`),
                  ] as [string, string],
              ),
          ],
        })),
      ],
    })
    // The support they were given (the ISA's contacts and referrals out): part of the victim side, like the plan.
    sections.push({
      key: 'support',
      title: 'Support',
      entries: [
        ...(mayVictim ? [] : [withhold('support', 'Support contacts and referrals out', 'victim-facet:view')]),
        ...support.contacts.map((c) => ({
          title: `Support contact ${d(c.contacted_on)} (${c.kind})`,
          fields: fields([
            ['Safe to contact this way', c.safe_to_contact],
            ['What was done', t(c.what_done, `Support contact ${d(c.contacted_on)}: what was done`)],
            ['Needs raised', t(c.needs_raised, `Support contact ${d(c.contacted_on)}: needs raised`)],
            ['Victims’ Code offered', c.entitlements.join(', ')],
            [
              'Next step',
              [
                t(c.next_step, `Support contact ${d(c.contacted_on)}: next step`),
                c.next_step_on ? `by ${d(c.next_step_on)}` : '',
              ]
                .filter(Boolean)
                .join(' '),
            ],
          ]),
        })),
        ...support.referrals.map((r) => ({
          title: `Referral to ${r.service}, ${d(r.made_on)}`,
          fields: fields([
            [
              'Asked for',
              t(r.reason, `Referral to ${r.service}: what it asked for`) + (r.provision ? ` (${r.provision})` : ''),
            ],
            ['Status', r.status],
            ['Outcome', t(r.outcome, `Referral to ${r.service}: outcome`)],
          ]),
        })),
      ],
    })
    sections.push({
      key: 'victim-context',
      title: 'How you were exploited',
      entries: [
        ...(mayVictim
          ? []
          : [
              withhold(
                'victim-context',
                'How they were exploited (recruitment, vulnerabilities, control, journey)',
                'victim-facet:view',
              ),
            ]),
        ...context.map((c) => ({
          title: c.referralReference ? `As described in referral ${c.referralReference}` : 'Not part of a referral',
          fields: fields([
            ...c.rows.map(([k, v]) => [k, k === 'Recruited in (country)' ? countryName(v) : v] as [string, string]),
            ...c.freeText.map(([k, v]) => [k, t(v, `How they were exploited: ${k.toLowerCase()}`)] as [string, string]),
            ...c.journey.map(
              (j) =>
                [
                  `Journey: ${j.stage}${j.on ? `, ${d(j.on)}` : ''}`,
                  [t(j.place, 'Journey: place'), j.country ? countryName(j.country) : '', t(j.notes, 'Journey: notes')]
                    .filter(Boolean)
                    .join(', '),
                ] as [string, string],
            ),
            // The people who exploited them are third parties: named only as the redactor allows.
            ...c.perpetrators.map(
              (p) =>
                [`Perpetrator (${p.roles})`, t(p.name ?? p.description, 'How they were exploited: perpetrator')] as [
                  string,
                  string,
                ],
            ),
          ]),
        })),
      ],
    })
    sections.push({
      key: 'disclosures',
      title: 'Who your information was shared with',
      entries: disclosures.map((x) => ({
        title: x.agency,
        fields: fields([
          ['Shared', dt(x.created_at)],
          ['Purpose', t(x.purpose, `Disclosure to ${x.agency}: purpose`)],
          ['What', x.fields.join(', ')],
          ['Status', x.status],
          ['Until', dt(x.revoked_at ?? x.expires_at)],
        ]),
      })),
    })
    sections.push({
      key: 'processing',
      title: 'How your record was used (from the audit log)',
      entries: processing.map((p) => ({
        title: `${p.category}: ${p.action}`,
        fields: [
          ['Times', String(p.count)],
          ['First', dt(p.first)],
          ['Last', dt(p.last)],
        ] as [string, string][],
      })),
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
      withheld,
    }
    const records: CarriedRecords = {
      locations: [...new Set(links.filter((l) => l.to_type === 'location').map((l) => l.to_id))],
      objects: [...new Set(links.filter((l) => l.to_type === 'object').map((l) => l.to_id))],
      people: [...new Set(links.filter((l) => l.to_type === 'person').map((l) => l.to_id))],
      referrals: referrals.map((r) => r.id),
      cases: cases.map((c) => c.id),
      events: events.map((e) => e.id),
      nrmReferrals: victim.nrm.map((n) => n.id),
      safeguardingPlans: safeguarding.plans.map((p) => p.id),
      supportContacts: support.contacts.map((c) => c.id),
      supportReferrals: support.referrals.map((r) => r.id),
      victimContext: context.map((c) => c.id),
      immigrationStatus: immigration.length > 0,
    }
    return { bundle, review: redactor.forReview, records }
  }

  /** What an audit row says a bundle carried and left out: record ids and permissions, never values. */
  const carried = (result: { bundle: Bundle; records: CarriedRecords }) => ({
    records: result.records,
    withheld: [...new Set(result.bundle.withheld.map((w) => w.needs))],
  })

  return {
    /** The reviewer's view: the bundle and each redaction with its original value. Audited as a consultation. */
    async review(personId: string, requestReference: string, user: CurrentUser, actor: Actor) {
      const result = await build(personId, requestReference, user)
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [
          {
            action: 'subject-access.viewed',
            subjectType: 'person',
            subjectId: personId,
            justification: `Subject access request ${requestReference}`,
            details: { redactions: result.review.length, ...carried(result) },
          },
        ]),
      )
      return result
    },

    /** The releasable files: JSON or PDF, redactions marked. Audited as a disclosure (s62(3)) to the data subject. */
    async export(
      personId: string,
      requestReference: string,
      format: 'json' | 'pdf',
      user: CurrentUser,
      actor: Actor,
    ): Promise<{ bundle: Bundle; body: Buffer }> {
      const result = await build(personId, requestReference, user)
      const { bundle } = result
      const body = format === 'json' ? Buffer.from(JSON.stringify(bundle, null, 2)) : await subjectAccessPdf(bundle)
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [
          {
            action: 'subject-access.exported',
            subjectType: 'person',
            subjectId: personId,
            justification: `Subject access request ${requestReference}`,
            details: {
              format,
              recipient: 'data-subject',
              sections: bundle.sections.map((s) => s.key),
              redactions: bundle.redactions.length,
              ...carried(result),
            },
          },
        ]),
      )
      return { bundle, body }
    },
  }
}

export type SubjectAccessService = ReturnType<typeof createSubjectAccessService>
