import {
  FORM_ROUTES,
  ROUTE_TITLES,
  loadFormMapping,
  loadFormQuestions,
  type FormRoute,
  type MappingStatus,
} from './nrm.form.ts'

const STATUS_WORDS: Record<MappingStatus, string> = {
  captured: 'captured (NRM draft)',
  derived: 'derived',
  partly: 'partly',
  missing: 'missing',
}

/** How many of a route's questions Lantern holds, by mapping status. */
export function countsByRoute(): Record<FormRoute, Record<MappingStatus | 'total' | 'required', number>> {
  const { questions } = loadFormQuestions()
  const mapping = loadFormMapping()
  const out = {} as Record<FormRoute, Record<MappingStatus | 'total' | 'required', number>>
  for (const route of FORM_ROUTES) {
    const mine = questions.filter((q) => q.routes.includes(route))
    const counts = {
      captured: 0,
      derived: 0,
      partly: 0,
      missing: 0,
      total: mine.length,
      required: mine.filter((q) => q.requiredOn.includes(route)).length,
    }
    for (const q of mine) counts[mapping[q.id]?.status ?? 'missing'] += 1
    out[route] = counts
  }
  return out
}

/** docs/nrm-form-mapping.md, made from the data files (a unit test keeps the document in step with them). */
export function mappingMarkdown(): string {
  const { sections, questions } = loadFormQuestions()
  const mapping = loadFormMapping()
  const counts = countsByRoute()
  const route = (r: FormRoute) => ({ 'adult-nrm': 'A', 'child-nrm': 'C', dtn: 'D' })[r]
  const lines = [
    '# The Home Office NRM / Duty to Notify form, mapped to Lantern',
    '',
    '<!-- Generated from reference-data/nrm/form-questions.json and form-mapping.json by src/modules/nrm/nrm.form-doc.ts:',
    '     node --import tsx -e "import(\'./src/modules/nrm/nrm.form-doc.ts\').then((m) => m.writeMappingDoc())" -->',
    '',
    'The questions of the Home Office digital referral form for the National Referral Mechanism and the Duty to Notify',
    '(England and Wales), with the adult and child guidance and the NRM prompt sheet, paraphrased as distinct questions',
    'in the form’s order. Each is mapped to where Lantern keeps its answer:',
    '',
    '- **captured**: a question of the NRM draft (`draft.<key>`, the page “Prepare the NRM referral form” and',
    '  `GET/PUT /api/v1/referrals/{referralId}/people/{personId}/nrm-draft`);',
    '- **derived**: worked out from what Lantern already holds (`derive.<name>`, in `src/modules/nrm/nrm.form.ts`): the',
    '  person record, the referral, the screening, consent and the NRM referral record;',
    '- **partly**: derived, but the form asks for more than Lantern holds (for example family and given names apart);',
    '- **missing**: not held in Lantern.',
    '',
    'Routes: A = adult NRM, C = child NRM, D = Duty to Notify. “Required on” lists the routes on which the form will',
    'not submit without the answer; Lantern marks a draft ready only when every one of them is answered.',
    '',
    '## Counts by route',
    '',
    '| route | questions | required | captured | derived | captured or derived | partly | missing |',
    '|---|---|---|---|---|---|---|---|',
    ...FORM_ROUTES.map((r) => {
      const c = counts[r]
      return `| ${ROUTE_TITLES[r]} | ${c.total} | ${c.required} | ${c.captured} | ${c.derived} | ${c.captured + c.derived} | ${c.partly} | ${c.missing} |`
    }),
    '',
    `All routes together: ${questions.length} distinct questions.`,
    '',
  ]
  for (const s of sections) {
    const qs = questions.filter((q) => q.section === s.id)
    if (!qs.length) continue
    lines.push(
      `## ${s.title}`,
      '',
      '| id | question | routes | required on | Lantern | status |',
      '|---|---|---|---|---|---|',
    )
    for (const q of qs) {
      const m = mapping[q.id]
      lines.push(
        `| \`${q.id}\` | ${q.question} | ${q.routes.map(route).join(' ')} | ${q.requiredOn.map(route).join(' ') || '–'} | ${m?.field ? `\`${m.field}\`` : '–'} | ${STATUS_WORDS[m?.status ?? 'missing']} |`,
      )
    }
    lines.push('')
  }
  return lines.join('\n')
}

export async function writeMappingDoc(): Promise<void> {
  const { writeFileSync } = await import('node:fs')
  const { join } = await import('node:path')
  const { ROOT } = await import('#src/platform/paths.ts')
  writeFileSync(join(ROOT, 'docs/nrm-form-mapping.md'), mappingMarkdown())
}
