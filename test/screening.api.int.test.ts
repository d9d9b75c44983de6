import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '#src/platform/paths.ts'
import { runCli } from '#src/cli/main.ts'
import { apiToken, createTestContext, createUser, type TestContext } from './support/test-app.ts'

type Scenario = { id: string; facts: Record<string, unknown>; expected: Record<string, unknown> }
const scenarioFile = join(ROOT, '../shared/data/scenarios/screening-scenarios.json')
const scenarios: Scenario[] = JSON.parse(readFileSync(scenarioFile, 'utf8'))

let ctx: TestContext
let token: string
beforeAll(async () => {
  ctx = await createTestContext()
  token = await apiToken(ctx, (await createUser(ctx, 'investigator')).email)
})
afterAll(() => ctx.close())

function post(body: unknown, auth = token) {
  return ctx.app.inject({ method: 'POST', url: '/api/v1/assessments', headers: { authorization: `Bearer ${auth}` }, payload: body as object })
}

describe('POST /api/v1/assessments', () => {
  it('accepts each scenario’s facts exactly as written and answers with the expected fields’ names', async () => {
    for (const scenario of scenarios) {
      const response = await post({ facts: scenario.facts })
      expect(response.statusCode, scenario.id).toBe(200)
      const body = response.json()
      for (const field of ['is_child', 'route', 'msa_sections', 'exploitation_types', 'county_lines_flag', 'smuggling_or_trafficking', 'competent_authority', 's45', 'deciding_rule', 'supporting_rules', 'explanation']) {
        expect(body, `${scenario.id} ${field}`).toHaveProperty(field)
      }
      expect({ route: body.route, is_child: body.is_child, smuggling_or_trafficking: body.smuggling_or_trafficking, msa_sections: body.msa_sections, county_lines_flag: body.county_lines_flag }, scenario.id).toEqual({
        route: scenario.expected.route,
        is_child: scenario.expected.is_child,
        smuggling_or_trafficking: scenario.expected.smuggling_or_trafficking,
        msa_sections: scenario.expected.msa_sections,
        county_lines_flag: scenario.expected.county_lines_flag,
      })
    }
  })

  it('explains each step with the rule and its source', async () => {
    const body = (await post({ facts: scenarios[0].facts })).json()
    expect(body.explanation.some((s: { rule: string; source: string }) => s.rule === 'R02' && s.source.includes('MSA 2015 s51'))).toBe(true)
  })

  it('names the field when a value is unknown, and refuses contradictory facts with 422', async () => {
    const unknown = await post({ facts: { location: 'Atlantis', means_used: ['mind_control'] } })
    expect(unknown.statusCode).toBe(400)
    const pointers = unknown.json().errors.map((e: { pointer: string }) => e.pointer)
    expect(pointers).toEqual(expect.arrayContaining(['/facts/location', '/facts/means_used/0']))
    const contradictory = await post({ facts: { date_of_birth: '2010-01-01', age: 30, identified_individual: true } })
    expect(contradictory.statusCode).toBe(422)
    expect(contradictory.json()).toMatchObject({ type: 'urn:lantern:problem:contradictory-facts', errors: [{ pointer: '/facts/age' }] })
    expect((await post({ facts: {}, extra: 1 })).statusCode).toBe(400)
  })

  it('is for officers who screen: an analyst is refused', async () => {
    const analyst = await apiToken(ctx, (await createUser(ctx, 'analyst')).email)
    expect((await post({ facts: scenarios[0].facts }, analyst)).statusCode).toBe(403)
  })
})

describe('npx lantern assess', () => {
  it('prints the same JSON as the API for an array of scenarios', async () => {
    const out: string[] = []
    const code = await runCli(['assess', scenarioFile], { out: (l) => out.push(l), err: () => undefined, isTty: false, ask: async () => '' }, ctx.config)
    expect(code).toBe(0)
    const results = JSON.parse(out.join('\n'))
    expect(results).toHaveLength(scenarios.length)
    const api = (await post({ facts: scenarios[1].facts })).json()
    const { id, ...fromCli } = results[1]
    expect(id).toBe(scenarios[1].id)
    expect(fromCli).toEqual(api)
  })
})
