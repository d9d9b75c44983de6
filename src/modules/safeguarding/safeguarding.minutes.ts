import { formatDate, formatDateTime } from '#src/shared/dates.ts'
import { renderPdf } from '#src/platform/pdf/pdf-document.ts'

export type MinutesAction = { text: string; owner: string; dueOn: string; status: string }

/**
 * What the minutes hold. People appear only as plan or referral references, never by name, so the minutes
 * can go to every agency that attended: the type has no field a person's name could travel in.
 */
export type MinutesData = {
  reference: string
  title: string
  heldOn: string
  /** The confidentiality and lawful-basis statement (see `confidentialityStatement`). */
  statement: string
  attendees: string[]
  /** Team members and named attendees who sent apologies. */
  apologies: string[]
  agencies: string[]
  items: { label: string; decisions: string[]; actions: MinutesAction[] }[]
  general: { decisions: string[]; actions: MinutesAction[] }
}

export function minutesPdf(data: MinutesData): Promise<Buffer> {
  // Agency and staff names may carry marks the standard PDF fonts lack: the house fonts print them.
  return renderPdf(
    {
      title: `Safeguarding hub minutes ${data.reference}`,
      heading: 'Safeguarding hub meeting: minutes',
      marking: 'OFFICIAL – SENSITIVE',
    },
    (doc) => {
      doc
        .font('body')
        .fontSize(11)
        .text(`${data.title} (${data.reference}), ${formatDate(data.heldOn)}`)
      doc
        .moveDown(0.3)
        .fontSize(9)
        .fillColor('#505a5f')
        .text(
          'People are named only by their safeguarding plan or referral reference. Do not add names when circulating.',
        )
      const heading = (text: string) =>
        doc.moveDown(0.6).fillColor('#0b0c0c').font('bold').fontSize(12).text(text).moveDown(0.2)
      const list = (items: string[], empty: string) => {
        doc.font('body').fontSize(10).fillColor('#0b0c0c')
        if (items.length === 0) doc.text(empty)
        for (const item of items) doc.text(`• ${item}`, { indent: 10 })
      }
      const actions = (rows: MinutesAction[]) =>
        list(
          rows.map(
            (a) =>
              `Action: ${a.text}. Owner: ${a.owner}. Due ${formatDate(a.dueOn)}${a.status !== 'open' ? ` (${a.status})` : ''}.`,
          ),
          'No actions.',
        )
      heading('Confidentiality and lawful basis')
      doc.font('body').fontSize(10).fillColor('#0b0c0c').text(data.statement)
      heading('Attending')
      list(data.attendees, 'No one recorded.')
      heading('Apologies')
      list(data.apologies, 'None.')
      heading('Agencies attending')
      list(data.agencies, 'No agencies recorded.')
      data.items.forEach((item, i) => {
        heading(`${i + 1}. ${item.label}`)
        list(
          item.decisions.map((d) => `Decision: ${d}`),
          'No decision recorded.',
        )
        actions(item.actions)
      })
      if (data.general.decisions.length || data.general.actions.length) {
        heading('Other business')
        list(
          data.general.decisions.map((d) => `Decision: ${d}`),
          'No decision recorded.',
        )
        actions(data.general.actions)
      }
      doc
        .moveDown()
        .font('body')
        .fontSize(8)
        .fillColor('#505a5f')
        .text(`Produced by Lantern on ${formatDateTime(new Date())}.`)
    },
  )
}

/**
 * The statement at the head of a meeting's minutes and pages: the agreement it is held under, its purposes and
 * lawful basis, and that nothing goes further. Without an agreement it says so, so no one takes silence for one.
 */
export function confidentialityStatement(
  agreement: { title: string; purposes: string; lawful_basis: string } | null,
  basisLabel: (basis: string) => string,
): string {
  if (!agreement)
    return 'Confidential. No information-sharing agreement is recorded for this meeting: nothing about anyone may be shared with partner agencies for it until the chair records one.'
  return (
    `Confidential. Information is shared at this meeting under ‘${agreement.title}’, for: ${agreement.purposes.replace(/\.$/, '')}. ` +
    `Lawful basis: ${basisLabel(agreement.lawful_basis)}. ` +
    'It is shared only with those who need it to safeguard the people discussed, who must keep it secure and not pass it on without the chair’s agreement.'
  )
}
