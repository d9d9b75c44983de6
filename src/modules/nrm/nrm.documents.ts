import { renderPdf, type PdfDoc } from '#src/platform/pdf/pdf-document.ts'
import { formatDate, formatDateTime } from '#src/shared/dates.ts'
import { countryName } from '#src/shared/reference-data.ts'
import { ENCOUNTERED_BY, EXPLOITATION_TYPE_LABELS } from '#src/modules/screening/index.ts'
import { describeIndicator } from '#src/modules/screening/index.ts'
import { CONSENT_POINTS, type ScreeningAnswers } from '#src/modules/screening/index.ts'
import { CHILD_STATUS_LABELS, childStatusOf, type Assessment } from '#src/modules/screening/index.ts'
import { AUTHORITIES } from './nrm.form.ts'

const TRAVEL_WORDS: Record<string, string> = {
  TRAFFICKING: 'Trafficking',
  SMUGGLING: 'Smuggling',
  SMUGGLING_THEN_TRAFFICKING: 'Smuggling that became trafficking',
  SLAVERY_WITHOUT_TRAFFICKING: 'Slavery, servitude or forced labour without trafficking',
  NEITHER: 'Neither',
  UNDETERMINED: 'Not yet determined',
}

/** Human labels for the codes a screening's explanation may quote, so the summary never shows `LABOUR`. */
function inWords(text: string): string {
  return text.replace(/\b[A-Z][A-Z_]{3,}\b/g, (code) => EXPLOITATION_TYPE_LABELS[code] ?? AUTHORITIES[code] ?? code)
}

function render(title: string, marking: string, build: (doc: PdfDoc) => void): Promise<Buffer> {
  return renderPdf({ title, marking }, (doc) => {
    doc.moveDown(0.5)
    build(doc)
    doc.moveDown()
    doc
      .font('body')
      .fontSize(8)
      .fillColor('#505a5f')
      .text(
        `Produced by Lantern on ${formatDateTime(new Date())}. Decision support: the officer’s confirmed decision is recorded above.`,
      )
  })
}

function heading(doc: PdfDoc, text: string) {
  doc.moveDown(0.6).font('bold').fontSize(12).fillColor('#0b0c0c').text(text)
  doc.moveDown(0.2)
}

function row(doc: PdfDoc, key: string, value: string | null | undefined) {
  doc
    .font('bold')
    .fontSize(10)
    .text(`${key}: `, { continued: true })
    .font('body')
    .text(value && value.length ? value : 'Not recorded')
}

function bullets(doc: PdfDoc, items: string[]) {
  doc.font('body').fontSize(10)
  if (items.length === 0) doc.text('None recorded')
  for (const item of items) doc.text(`• ${item}`, { indent: 10 })
}

export type NrmSummaryData = {
  reference: string
  person: {
    name: string | null
    otherNames: string[]
    dateOfBirth: string | null
    approximateAge: number | null
    gender: string
    nationalities: string[]
  }
  screening: {
    outcome: Assessment
    answers: ScreeningAnswers
    confirmedRoute: string | null
    suggestedRoute?: string | null
    overridden: boolean
    overrideReason: string | null
    confirmedAt: Date | null
    confirmedBy: string | null
  }
  consent: {
    decision: string
    recordedOn: string
    explainedBy: string
    interpreterLanguage: string | null
    pointsExplained: string[]
    understanding: string | null
  } | null
  nrm: {
    submittedOn: string
    nrmReference: string | null
    firstResponderOrganisation: string
    rgDueOn: string
    competentAuthority: string | null
  } | null
  /** The NRM draft's answers to the Home Office form, section by section in the form's order. */
  form?: {
    routeTitle: string
    sections: { title: string; rows: { question: string; answer: string }[] }[]
    missing: string[]
  } | null
}

/** A pre-filled summary for the NRM referral form: the person, the screening and its reasons, and consent. */
export function nrmSummaryPdf(data: NrmSummaryData): Promise<Buffer> {
  return render('NRM referral summary', 'OFFICIAL – SENSITIVE: PERSONAL', (doc) => {
    const o = data.screening.outcome
    row(doc, 'Lantern referral', data.reference)
    heading(doc, 'Potential victim')
    row(doc, 'Name', data.person.name)
    if (data.person.otherNames.length) row(doc, 'Other names', data.person.otherNames.join(', '))
    row(
      doc,
      'Date of birth',
      data.person.dateOfBirth
        ? formatDate(data.person.dateOfBirth)
        : data.person.approximateAge !== null
          ? `Not known (about ${data.person.approximateAge})`
          : null,
    )
    row(doc, 'Treated as a child', CHILD_STATUS_LABELS[childStatusOf(o)])
    row(doc, 'Gender', data.person.gender)
    row(doc, 'Nationality', data.person.nationalities.map(countryName).join(', '))
    heading(doc, 'Screening outcome')
    row(doc, 'Route confirmed by the officer', data.screening.confirmedRoute)
    if (data.screening.overridden) row(doc, 'Suggested route overridden because', data.screening.overrideReason)
    row(doc, 'Suggested route', `${data.screening.suggestedRoute ?? o.route} (rule ${o.deciding_rule})`)
    row(doc, 'Exploitation types', o.exploitation_types.map((t) => EXPLOITATION_TYPE_LABELS[t] ?? t).join(', '))
    row(doc, 'County Lines', o.county_lines_flag ? 'Yes' : 'No')
    row(doc, 'Smuggling or trafficking', TRAVEL_WORDS[o.smuggling_or_trafficking] ?? o.smuggling_or_trafficking)
    row(
      doc,
      'Offences to consider',
      [...o.msa_sections.map((s) => `Modern Slavery Act 2015 ${s}`), ...o.other_legislation].join('; '),
    )
    row(
      doc,
      'Competent authority',
      o.competent_authority ? (AUTHORITIES[o.competent_authority] ?? o.competent_authority) : null,
    )
    row(
      doc,
      'Confirmed',
      data.screening.confirmedAt
        ? `${formatDateTime(data.screening.confirmedAt)} by ${data.screening.confirmedBy ?? 'an officer'}`
        : null,
    )
    heading(doc, 'Why')
    bullets(
      doc,
      o.explanation.map((s) => inWords(s.rule ? `${s.rule}: ${s.text} [${s.source}]` : s.text)),
    )
    heading(doc, 'Indicators seen')
    bullets(doc, (data.screening.answers.indicators?.indicators ?? []).map(describeIndicator))
    if (o.s45) {
      heading(doc, 'Also a suspect: s45 screening')
      doc.font('body').fontSize(10).text(o.s45.reason)
    }
    heading(doc, 'Consent')
    if (o.is_child)
      doc
        .font('body')
        .fontSize(10)
        .text('Not needed: a child, or someone who may be under 18, is referred without consent.')
    else if (data.consent) {
      row(doc, 'Decision', `${data.consent.decision} on ${formatDate(data.consent.recordedOn)}`)
      row(doc, 'Explained by', data.consent.explainedBy)
      row(doc, 'Interpreter', data.consent.interpreterLanguage)
      row(
        doc,
        'Points explained',
        data.consent.pointsExplained.map((p) => CONSENT_POINTS[p as keyof typeof CONSENT_POINTS] ?? p).join('; '),
      )
      row(doc, 'Their understanding', data.consent.understanding)
    } else doc.font('body').fontSize(10).text('No consent recorded.')
    if (data.nrm) {
      heading(doc, 'NRM referral')
      row(doc, 'Submitted', formatDate(data.nrm.submittedOn))
      row(doc, 'NRM reference', data.nrm.nrmReference)
      row(doc, 'First responder organisation', data.nrm.firstResponderOrganisation)
      row(doc, 'Reasonable grounds decision due', formatDate(data.nrm.rgDueOn))
    }
    if (data.form) {
      heading(doc, `Home Office form answers, in the form’s order: ${data.form.routeTitle}`)
      doc
        .font('body')
        .fontSize(9)
        .fillColor('#505a5f')
        .text('Copy each answer into the matching question of the Home Office referral form.')
        .fillColor('#0b0c0c')
      for (const section of data.form.sections) {
        if (section.rows.length === 0) continue
        doc.moveDown(0.4).font('bold').fontSize(11).text(section.title)
        for (const r of section.rows) row(doc, r.question, r.answer)
      }
      heading(doc, 'Required by the form and not yet answered')
      bullets(doc, data.form.missing)
    }
  })
}

export type DtnSummaryData = {
  submittedOn: string
  reference: string | null
  nation: string
  encounteredBy: string
  gender: string
  nationality: string | null
  ageAtExploitation: string
  exploitationTypes: string[]
  exploitationLocation: string
}

const LOCATIONS: Record<string, string> = {
  'uk-only': 'UK only',
  'overseas-only': 'Overseas only',
  both: 'UK and overseas',
  unknown: 'Not known',
}

/**
 * The Duty to Notify summary. MSA 2015 s52(3): it must not identify the adult, or include anything that
 * would identify them with other information. It is built only from non-identifying fields: the type has
 * no name, date of birth, address, phone or Lantern reference to leak.
 */
export function dtnSummaryPdf(data: DtnSummaryData): Promise<Buffer> {
  return render('Duty to Notify summary (anonymised)', 'OFFICIAL', (doc) => {
    doc
      .font('body')
      .fontSize(10)
      .text(
        'An adult who may be a victim of modern slavery did not consent to an NRM referral. Under the Modern Slavery Act 2015 s52 this notification contains nothing that identifies them.',
      )
    heading(doc, 'Notification')
    row(doc, 'Date submitted', formatDate(data.submittedOn))
    row(doc, 'Duty to Notify reference', data.reference)
    row(
      doc,
      'Notifying authority',
      ENCOUNTERED_BY[data.encounteredBy as keyof typeof ENCOUNTERED_BY] ?? data.encounteredBy,
    )
    row(doc, 'Nation', data.nation)
    heading(doc, 'About the potential victim (non-identifying)')
    row(doc, 'Gender', data.gender)
    row(doc, 'Nationality', data.nationality ? countryName(data.nationality) : null)
    row(doc, 'Age at exploitation', data.ageAtExploitation)
    row(doc, 'Exploitation types', data.exploitationTypes.map((t) => EXPLOITATION_TYPE_LABELS[t] ?? t).join(', '))
    row(doc, 'Where the exploitation happened', LOCATIONS[data.exploitationLocation] ?? data.exploitationLocation)
  })
}
