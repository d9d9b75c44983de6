import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '#src/platform/paths.ts'
import {
  answerForm,
  checkDraftAnswers,
  draftAnswerRows,
  DERIVATIONS,
  DRAFT_FIELDS,
  exportForm,
  FORM_ROUTES,
  isDraftKey,
  loadFormMapping,
  loadFormQuestions,
  routeFor,
  type FormContext,
} from './nrm.form.ts'
import { countsByRoute, mappingMarkdown } from './nrm.form-doc.ts'

const { sections, questions } = loadFormQuestions()
const mapping = loadFormMapping()

describe('the NRM form’s questions and their mapping to Lantern', () => {
  it('lists each question once, in a known section, on known routes, required only where asked', () => {
    expect(new Set(questions.map((q) => q.id)).size).toBe(questions.length)
    expect(questions.length).toBeGreaterThan(100)
    const sectionIds = new Set(sections.map((s) => s.id))
    for (const q of questions) {
      expect(sectionIds.has(q.section), q.id).toBe(true)
      expect(q.routes.length, q.id).toBeGreaterThan(0)
      for (const r of [...q.routes, ...q.requiredOn]) expect(FORM_ROUTES as readonly string[], q.id).toContain(r)
      for (const r of q.requiredOn) expect(q.routes, q.id).toContain(r)
      expect(q.question.length, q.id).toBeGreaterThan(10)
    }
  })

  it('maps every question, and nothing else', () => {
    expect(Object.keys(mapping).sort()).toEqual(questions.map((q) => q.id).sort())
  })

  it('maps only to Lantern fields that exist: a key of the NRM draft, or a named derivation', () => {
    for (const [id, m] of Object.entries(mapping)) {
      if (m.status === 'missing') {
        expect(m.field, id).toBeNull()
        continue
      }
      expect(m.field, id).toMatch(/^(draft|derive)\./)
      const [kind, name] = [m.field!.slice(0, m.field!.indexOf('.')), m.field!.slice(m.field!.indexOf('.') + 1)]
      if (kind === 'draft') {
        expect(m.status, id).toBe('captured')
        expect(isDraftKey(name), `${id}: ${m.field} is not a key of the NRM draft`).toBe(true)
      } else {
        expect(['derived', 'partly'], id).toContain(m.status)
        expect(Object.hasOwn(DERIVATIONS, name), `${id}: ${m.field} is not a derivation`).toBe(true)
      }
    }
  })

  it('asks every draft question on the form once: no draft key without a question', () => {
    const used = Object.values(mapping)
      .filter((m) => m.field?.startsWith('draft.'))
      .map((m) => m.field!.slice(6))
    expect(new Set(used).size).toBe(used.length)
    expect([...used].sort()).toEqual(Object.keys(DRAFT_FIELDS).sort())
  })

  it('requires the local authority contact (name, phone, email) on the child route only', () => {
    for (const id of ['la.name', 'la.phone', 'la.email']) {
      const q = questions.find((x) => x.id === id)!
      expect(q.requiredOn).toEqual(['child-nrm'])
    }
  })

  it('keeps docs/nrm-form-mapping.md in step with the data (regenerate it with the command at its top)', () => {
    expect(readFileSync(join(ROOT, 'docs/nrm-form-mapping.md'), 'utf8')).toBe(mappingMarkdown())
  })

  it('counts what Lantern captures or derives by route', () => {
    const counts = countsByRoute()
    for (const r of FORM_ROUTES) {
      const c = counts[r]
      expect(c.captured + c.derived + c.partly + c.missing).toBe(c.total)
    }
    expect(counts['child-nrm'].total).toBeGreaterThan(counts.dtn.total)
  })
})

describe('checking NRM draft answers', () => {
  it('accepts good answers, normalising countries to codes and clearing empty answers', () => {
    const { answers, errors } = checkDraftAnswers({
      laEmail: 'mash@example.org',
      laPhone: '0113 496 0456',
      overseasCountries: 'Albania, ro',
      stillInSituation: 'no',
      dependantCount: '2',
      whyNow: '',
    })
    expect(errors).toEqual({})
    expect(answers).toEqual({
      laEmail: 'mash@example.org',
      laPhone: '0113 496 0456',
      overseasCountries: ['AL', 'RO'],
      stillInSituation: 'no',
      dependantCount: '2',
      whyNow: null,
    })
  })

  it('keeps exploitation sub-types from the list only', () => {
    expect(checkDraftAnswers({ exploitationSubtypes: ['criminal-cannabis', 'labour-car-wash'] })).toEqual({
      answers: { exploitationSubtypes: ['criminal-cannabis', 'labour-car-wash'] },
      errors: {},
    })
    expect(
      checkDraftAnswers({ exploitationSubtypes: ['criminal-cannabis', 'LABOUR'] }).errors.exploitationSubtypes,
    ).toContain('Not recognised: LABOUR')
  })

  it('gives a stored draft’s answers in words and in the form’s order, for a subject access bundle', () => {
    const rows = draftAnswerRows({
      answers: {
        whyNow: 'Police found her',
        laPhone: '0113 496 0456',
        stillInSituation: 'no',
        overseasCountries: ['AL'],
        unknownKey: 'x',
      },
      completed: [],
    })
    expect(rows).toEqual([
      ["What is the local authority contact's phone number?", '0113 496 0456'],
      ['Are they still in the situation?', 'No'],
      ['Why are they disclosing or being referred now?', 'Police found her'],
      ['In which countries outside the UK did the exploitation happen?', 'Albania'],
    ])
    expect(draftAnswerRows(null)).toEqual([])
  })

  it('says what is wrong with each bad answer', () => {
    const { errors } = checkDraftAnswers({
      laEmail: 'not an email',
      laPhone: 'call me',
      overseasCountries: 'Atlantis',
      stillInSituation: 'maybe',
      dependantCount: 'two',
      favouriteColour: 'blue',
      whyNow: 'x'.repeat(2001),
    })
    expect(Object.keys(errors).sort()).toEqual([
      'dependantCount',
      'favouriteColour',
      'laEmail',
      'laPhone',
      'overseasCountries',
      'stillInSituation',
      'whyNow',
    ])
    expect(errors.overseasCountries).toContain('Atlantis')
    expect(errors.favouriteColour).toBe('This is not a question on the NRM form')
  })
})

function context(overrides: Partial<FormContext> = {}): FormContext {
  const base: Omit<FormContext, 'route'> = {
    subject: {
      name: 'Ardit Hoxha',
      names: ['Ardit Hoxha', 'Adi'],
      date_of_birth: null,
      approximate_age: 15,
      age_disputed: false,
      gender: 'male',
      nationalities: ['AL'],
      languages: ['sq', 'en'],
      reference: 'REF-1',
    },
    referral: {
      reference: 'REF-1',
      received_at: new Date('2026-03-02T10:00:00Z'),
      summary: 'Boy found at a cannabis grow',
      exploitation_types: ['criminal'],
      county_lines: false,
      status: 'triaged',
      assigned_name: 'DC Priya Shah',
    },
    locations: [{ town: 'Hull', postcode: 'HU3 4AB', premises_type: 'residential', description: null }],
    others: [{ name: 'Besnik Kola', role: 'suspected-exploiter' }],
    screening: null,
    consent: null,
    nrm: null,
    user: { name: 'DC Priya Shah', email: 'dc1@example.org' },
  }
  const merged = { ...base, ...overrides }
  return { ...merged, route: routeFor(merged) }
}

describe('answering the form from what Lantern knows', () => {
  it('treats a 15-year-old as a child and lists the local authority contact as missing', () => {
    const ctx = context()
    expect(ctx.route).toBe('child-nrm')
    const form = answerForm(ctx, { answers: {}, completed: [] })
    const missing = form.missing.map((q) => q.id)
    expect(missing).toEqual(
      expect.arrayContaining(['la.name', 'la.phone', 'la.email', 'view.professional', 'nar.still']),
    )
    expect(missing).not.toContain('con.decision')
    const out = exportForm(form)
    expect(out['exp.types']).toBe('Criminal exploitation')
    expect(out['pv.nationality']).toBe('Albania')
    expect([out['pv.familyName'], out['pv.givenNames']]).toEqual(['Hoxha', 'Ardit'])
    expect(out['nar.exploiters']).toBe('Besnik Kola')
    expect(out['case.cameToAttention']).toBe('Boy found at a cannabis grow')
  })

  it('marks the section complete and the draft ready only when every required answer is there', () => {
    const ctx = context({ subject: { ...context().subject, approximate_age: 30 } })
    expect(ctx.route).toBe('adult-nrm')
    const form = answerForm(ctx, { answers: { laName: 'Hull City Council' }, completed: ['local-authority'] })
    expect(form.sections.find((s) => s.id === 'local-authority')).toBeUndefined()
    expect(form.missing.map((q) => q.id)).toContain('con.decision')
  })
})
