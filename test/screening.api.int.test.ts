import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '#src/cli/main.ts'
import { expectedValue, factsOf, SCENARIO_FILE as scenarioFile, scenarios } from './support/screening-scenarios.ts'
import { apiToken, createTestContext, createUser, type TestContext } from './support/test-app.ts'

let ctx: TestContext
let token: string
beforeAll(async () => {
  ctx = await createTestContext()
  token = await apiToken(ctx, (await createUser(ctx, 'investigator')).email)
})
afterAll(() => ctx.close())

function post(body: unknown, auth = token) {
  return ctx.app.inject({
    method: 'POST',
    url: '/api/v1/assessments',
    headers: { authorization: `Bearer ${auth}` },
    payload: body as object,
  })
}

describe('POST /api/v1/assessments', () => {
  it('accepts each scenario’s facts exactly as written and answers with the expected fields’ names', async () => {
    for (const scenario of scenarios) {
      expect((await post({ facts: scenario.facts })).statusCode, `${scenario.id} as written`).toBe(200)
      const response = await post({ facts: factsOf(scenario) })
      expect(response.statusCode, scenario.id).toBe(200)
      const body = response.json()
      for (const field of [
        'is_child',
        'route',
        'msa_sections',
        'exploitation_types',
        'county_lines_flag',
        'smuggling_or_trafficking',
        'competent_authority',
        's45',
        'deciding_rule',
        'supporting_rules',
        'explanation',
      ]) {
        expect(body, `${scenario.id} ${field}`).toHaveProperty(field)
      }
      expect(
        {
          route: body.route,
          is_child: body.is_child,
          smuggling_or_trafficking: body.smuggling_or_trafficking,
          msa_sections: body.msa_sections,
          county_lines_flag: body.county_lines_flag,
        },
        scenario.id,
      ).toEqual({
        route: expectedValue(scenario, 'route'),
        is_child: expectedValue(scenario, 'is_child'),
        smuggling_or_trafficking: expectedValue(scenario, 'smuggling_or_trafficking'),
        msa_sections: expectedValue(scenario, 'msa_sections'),
        county_lines_flag: expectedValue(scenario, 'county_lines_flag'),
      })
    }
  })

  it('explains each step with the rule and its source', async () => {
    const body = (await post({ facts: scenarios[0].facts })).json()
    expect(
      body.explanation.some(
        (s: { rule: string; source: string }) => s.rule === 'R02' && s.source.includes('MSA 2015 s51'),
      ),
    ).toBe(true)
  })

  it('never refuses a case for an unlisted word: unknown means and places are kept, mapped where known, and named in the explanation', async () => {
    const response = await post({
      facts: {
        age: 24,
        consent_given: true,
        travel_arranged: true,
        travel_within_uk: true,
        location: 'England',
        encountered_by: 'Lancashire Constabulary',
        identified_individual: true,
        modern_slavery_indicators_present: true,
        exploitation_purpose: 'drug supply (county lines)',
        means_used: [
          'payment_inducement',
          'secrecy_instructions',
          'control_of_drug_supply',
          'ransom',
          'Threats to family',
        ],
      },
    })
    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body.route).toBe('NRM')
    expect(body.means_of_control).toEqual([
      {
        value: 'payment_inducement',
        means: null,
        legal: 'payments_or_benefits',
        label: expect.stringContaining('payments or benefits'),
      },
      { value: 'secrecy_instructions', means: null, legal: null, label: 'Other means: secrecy_instructions' },
      { value: 'control_of_drug_supply', means: null, legal: null, label: 'Other means: control_of_drug_supply' },
      { value: 'ransom', means: null, legal: null, label: 'Other means: ransom' },
      { value: 'Threats to family', means: 'threats_to_family', legal: 'threat', label: 'Threats to family' },
    ])
    const explanation = body.explanation.map((s: { text: string }) => s.text).join(' ')
    for (const word of ['secrecy_instructions', 'control_of_drug_supply', 'ransom'])
      expect(explanation).toContain(`“${word}”`)
    expect(explanation).toContain('Not recognised')
    const unknownPlace = (await post({ facts: { location: 'Atlantis', means_used: ['mind_control'] } })).json()
    expect(unknownPlace.unrecognised).toEqual(
      expect.arrayContaining([{ field: 'location', value: 'Atlantis', treated_as: 'not known' }]),
    )
  })

  it('names the field when a fact is malformed, and refuses contradictory facts with 422', async () => {
    const malformed = await post({ facts: { age: 'sixteen', means_used: 'violence' } })
    expect(malformed.statusCode).toBe(400)
    const pointers = malformed.json().errors.map((e: { pointer: string }) => e.pointer)
    expect(pointers).toEqual(expect.arrayContaining(['/facts/age', '/facts/means_used']))
    const contradictory = await post({ facts: { date_of_birth: '2010-01-01', age: 30, identified_individual: true } })
    expect(contradictory.statusCode).toBe(422)
    expect(contradictory.json()).toMatchObject({
      type: 'urn:lantern:problem:contradictory-facts',
      errors: [{ pointer: '/facts/age' }],
    })
    expect((await post({ facts: {}, extra: 1 })).statusCode).toBe(400)
  })

  it('asks the s45 child limb its own question: would a reasonable person do the act', async () => {
    const child = {
      age: 15,
      travel_arranged: true,
      travel_within_uk: true,
      means_used: ['debt_bondage'],
      exploitation_purpose: 'county lines',
      modern_slavery_indicators_present: true,
      location: 'England',
      encountered_by: 'police',
      identified_individual: true,
      suspected_offence_by_subject: 'PWITS',
    }
    const no = (await post({ facts: { ...child, reasonable_person_would_do_act: false } })).json()
    expect(no.s45).toMatchObject({
      limb: 'child',
      available_in_principle: false,
      elements: { reasonable_person_would_do_act: false },
    })
    // The adult question does not decide a child's defence.
    const adultQuestion = (await post({ facts: { ...child, reasonable_person_no_alternative: false } })).json()
    expect(adultQuestion.s45).toMatchObject({ limb: 'child', available_in_principle: true })
  })

  it('never sends an adult whose consent was not asked to the Duty to Notify: it asks for consent to be sought', async () => {
    const body = (
      await post({
        facts: {
          age: 30,
          travel_arranged: false,
          means_used: ['threats'],
          exploitation_purpose: 'forced labour',
          modern_slavery_indicators_present: true,
          location: 'England',
          encountered_by: 'police',
          identified_individual: true,
        },
      })
    ).json()
    expect(body.route).toBe('UNDETERMINED')
    expect(body.missing.join(' ')).toContain('ask them for informed consent')
    expect(body.additional_actions.join(' ')).toContain('seek their informed consent')
  })

  it('is for officers who screen: an analyst is refused', async () => {
    const analyst = await apiToken(ctx, (await createUser(ctx, 'analyst')).email)
    expect((await post({ facts: scenarios[0].facts }, analyst)).statusCode).toBe(403)
  })
})

describe('npx lantern assess', () => {
  it('prints the same JSON as the API for an array of scenarios', async () => {
    const out: string[] = []
    const code = await runCli(
      ['assess', scenarioFile],
      { out: (l) => out.push(l), err: () => undefined, isTty: false, ask: async () => '' },
      ctx.config,
    )
    expect(code).toBe(0)
    const results = JSON.parse(out.join('\n'))
    expect(results).toHaveLength(scenarios.length)
    const api = (await post({ facts: scenarios[1].facts })).json()
    // The CLI takes unlisted words too.
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const file = join(mkdtempSync(join(tmpdir(), 'lantern-assess-')), 'facts.json')
    writeFileSync(
      file,
      JSON.stringify({ facts: { age: 30, means_used: ['ransom', 'payment_inducement'], identified_individual: true } }),
    )
    const single: string[] = []
    expect(
      await runCli(
        ['assess', file],
        { out: (l) => single.push(l), err: () => undefined, isTty: false, ask: async () => '' },
        ctx.config,
      ),
    ).toBe(0)
    expect(JSON.parse(single.join('\n')).means_of_control.map((m: { legal: string | null }) => m.legal)).toEqual([
      null,
      'payments_or_benefits',
    ])
    const { id, ...fromCli } = results[1]
    expect(id).toBe(scenarios[1].id)
    expect(fromCli).toEqual(api)
  })
})
