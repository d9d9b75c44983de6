import { formatDate } from '#src/shared/dates.ts'
import { countryName, languageName } from '#src/shared/reference-data.ts'
import { describeAge, SUBJECT_ROLES } from '#src/modules/people/index.ts'
import { EXPLOITATION_TYPES } from '#src/modules/referrals/index.ts'
import { LAWFUL_BASES, type LawfulBasis } from './disclosure.fields.ts'
import type { DisclosureService } from './disclosure.service.ts'

type Shared = Awaited<ReturnType<DisclosureService['viewForPartner']>>

/**
 * What a partner sees of one disclosure: only its fields, and "what was reported" only as the officer chose to
 * send it (redacted to the subject). Used by the shared-record page and the partner's view of a hub meeting.
 */
export function presentShared(disclosure: Shared['disclosure'], values: Shared['values']) {
  const has = new Set(disclosure.fields)
  const person = values.person
  return {
    pageTitle: has.has('name') && values.names[0] ? values.names[0].full_name : 'Shared record',
    id: disclosure.id,
    purpose: disclosure.purpose,
    expires: formatDate(disclosure.expires_at),
    agreement: disclosure.agreement_title,
    basis: LAWFUL_BASES[disclosure.lawful_basis as LawfulBasis] ?? disclosure.lawful_basis,
    rows: [
      has.has('name') ? { key: 'Names', value: values.names.map((n) => n.full_name).join('; ') } : null,
      has.has('date-of-birth') ? { key: 'Age', value: describeAge(person) } : null,
      has.has('gender') ? { key: 'Gender', value: person.gender } : null,
      has.has('nationality')
        ? { key: 'Nationality', value: person.nationalities.map(countryName).join(', ') || 'Not known' }
        : null,
      has.has('languages')
        ? { key: 'Languages', value: person.languages.map(languageName).join(', ') || 'Not known' }
        : null,
      has.has('address')
        ? {
            key: 'Addresses and places',
            value:
              values.places.map((p) => `${p.text} (${p.relation.replace(/-/g, ' ')})`).join('; ') || 'None recorded',
          }
        : null,
      has.has('phone')
        ? { key: 'Phone numbers', value: values.phones.map((p) => p.display).join(', ') || 'None recorded' }
        : null,
      has.has('exploitation-types')
        ? {
            key: 'Types of exploitation reported',
            value:
              [...new Set(values.referrals.flatMap((r) => r.exploitation_types))]
                .map(EXPLOITATION_TYPES.label)
                .join(', ') || 'None recorded',
          }
        : null,
      has.has('nrm-status')
        ? {
            key: 'NRM',
            value:
              values.nrm
                .map(
                  (n) =>
                    `Referred ${formatDate(n.submitted_on)}${(n.events ?? []).map((e) => `; ${e.kind.replace(/-/g, ' ')}${e.outcome ? ` ${e.outcome}` : ''} ${formatDate(e.on)}`).join('')}`,
                )
                .join(' | ') || 'No NRM referral',
          }
        : null,
      has.has('immigration-status')
        ? { key: 'Immigration status', value: values.immigration?.status ?? 'Not recorded' }
        : null,
    ].filter((r) => r !== null),
    reports: has.has('referral-summary')
      ? values.referrals.map((r) => ({
          received: formatDate(r.received_at),
          role: SUBJECT_ROLES.label(r.role),
          types: r.exploitation_types.map(EXPLOITATION_TYPES.label).join(', '),
          // Only the text the officer chose to send, as it was when shared.
          narrative: disclosure.narratives.find((n) => n.referralId === r.id)?.text ?? null,
        }))
      : [],
  }
}
