import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '#src/platform/paths.ts'

/**
 * The shared screening scenarios, read from ../shared (never copied into this repository), with the two
 * adjustments the rules tests make, each named and justified here so a reader can check them.
 */
export type Scenario = {
  id: string
  title: string
  narrative: string
  facts: Record<string, unknown>
  expected: Record<string, unknown>
}

export const SCENARIO_FILE = join(ROOT, '../shared/data/scenarios/screening-scenarios.json')
export const scenarios: Scenario[] = JSON.parse(readFileSync(SCENARIO_FILE, 'utf8'))

/**
 * Facts a scenario's narrative states but its `facts` object has no field for. The screening pages ask for
 * them; here they are added exactly as an officer would record them from the narrative.
 */
export const FROM_NARRATIVE: Record<string, Record<string, unknown>> = {
  // "a smuggler brought him across the Channel and handed him to the owner"
  'MSHT-001': { entry_route: 'smuggled' },
  // "held in an immigration removal centre awaiting deportation after a prison sentence"
  'MSHT-034': { detention: 'immigration_removal_centre' },
}

/**
 * Where a scenario's expectation disagrees with DOMAIN.md, Lantern follows DOMAIN.md. The shared data is not
 * edited; each disagreement is listed with what the scenario expects, what Lantern says, and why.
 */
export const DISAGREEMENTS: Record<string, { field: string; expected: unknown; lantern: unknown; why: string }[]> = {
  'MSHT-007': [
    {
      field: 'msa_sections',
      expected: ['s2'],
      lantern: ['s1', 's2'],
      why: 'MSA s1 is decided on its own elements (DOMAIN.md 1.1): drug running exacted from a child by a manufactured debt and intimidation is work or services under the menace of a penalty, i.e. forced labour (s1(3)-(4); EN para 21 says criminal activity such as begging and pick-pocketing can be forced labour; s1(5) makes consent irrelevant). That the same facts also make out s2 does not remove s1. The scenarios themselves list s1 for forced cannabis cultivation (MSHT-021), forced shoplifting (MSHT-009) and county-lines cuckooing (MSHT-037).',
    },
  ],
  'MSHT-043': [
    {
      field: 'msa_sections',
      expected: ['s2'],
      lantern: ['s1', 's2'],
      why: 'As MSHT-007: drug supply exacted by a staged robbery debt from a young adult chosen for his vulnerability is forced labour under s1 as well as trafficking under s2; the two sections are decided on their own elements.',
    },
  ],
  'MSHT-030': [
    {
      field: 'smuggling_or_trafficking',
      expected: 'SMUGGLING_THEN_TRAFFICKING',
      lantern: 'TRAFFICKING',
      why: 'Neither the facts nor the narrative say Hamid was smuggled: only that his work is "under threats linked to a travel debt". DOMAIN.md section 6 and R07 need a smuggled entry (consented, paid, illegal) that turned into exploitation; the same facts in MSHT-021 and MSHT-041 (journey debts, travel arranged into the UK) are expected as TRAFFICKING. Lantern says TRAFFICKING (s2 is made out either way) and asks for the entry route.',
    },
  ],
}

/** The scenario's expected value for a field, or Lantern's where a named disagreement applies. */
export function expectedValue(scenario: Scenario, field: string): unknown {
  const disagreement = DISAGREEMENTS[scenario.id]?.find((d) => d.field === field)
  return disagreement ? disagreement.lantern : scenario.expected[field]
}

export const factsOf = (scenario: Scenario) => ({ ...scenario.facts, ...FROM_NARRATIVE[scenario.id] })
