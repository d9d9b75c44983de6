import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { ROOT } from '#src/platform/paths.ts'
import type { BankHolidays } from './working-days.ts'
import { ENCOUNTERED_BY, LOCATIONS } from './screening.facts.ts'
import { DEFAULT_SCREENING_CONFIG, type ScreeningConfig } from './screening.config.ts'

/**
 * Loads the legal reference data (Schedule 4, bank holidays) from files a force can replace by
 * configuration. The rules themselves never read files: they are given this data.
 */
export const Schedule4File = z.object({
  as_of: z.string(),
  source: z.string(),
  offences: z.array(
    z.object({
      para: z.string(),
      act: z.string(),
      section: z.string().nullable(),
      name: z.string(),
      status: z.enum(['confirmed', 'unconfirmed']),
      qualifier: z.string().optional(),
      note: z.string().optional(),
    }),
  ),
})
export type Schedule4Offence = z.infer<typeof Schedule4File>['offences'][number]
/**
 * Curated wordings for offences, each tied to a statute and section. They identify the offence an officer
 * describes; Schedule 4 membership is always looked up by that identity in the schedule file.
 */
export const Schedule4AliasesFile = z.object({
  about: z.string(),
  statutes: z.array(z.object({ act: z.string(), aliases: z.array(z.string().min(2)) })),
  offences: z.array(
    z.object({
      act: z.string(),
      section: z.string().nullable(),
      name: z.string().optional(),
      aliases: z.array(z.string().min(2)).min(1),
    }),
  ),
})
export type Schedule4Aliases = z.infer<typeof Schedule4AliasesFile>
export type Schedule4 = { asOf: string; source: string; offences: Schedule4Offence[]; aliases: Schedule4Aliases }

const BankHolidaysFile = z.object({
  division: z.string(),
  coverage: z.string(),
  events: z.array(z.object({ date: z.iso.date(), title: z.string() })),
})

/**
 * Facts DOMAIN.md marks unconfirmed, or that a force may need to change when the law does, overridable by a
 * JSON file (LANTERN_SCREENING_CONFIG_FILE), e.g. {"dutyToNotifyNations": ["England", "Wales", "Scotland"]}
 * once HTE(S)A s38 is confirmed in force.
 */
const ScreeningConfigFile = z
  .object({
    recoveryPeriodDays: z
      .object({ England: z.int().min(0), Wales: z.int().min(0), Scotland: z.int().min(0), NI: z.int().min(0) })
      .partial(),
    dutyToNotifyAuthorities: z.array(z.enum(Object.keys(ENCOUNTERED_BY) as [keyof typeof ENCOUNTERED_BY])),
    dutyToNotifyNations: z.array(z.enum(LOCATIONS)),
    moveOn: z.object({ afterPositiveDays: z.int().min(0), afterNegativeWorkingDays: z.int().min(0) }).partial(),
  })
  .partial()
  .strict()

export function loadScreeningConfig(file = process.env.LANTERN_SCREENING_CONFIG_FILE): ScreeningConfig {
  if (!file) return DEFAULT_SCREENING_CONFIG
  const overrides = ScreeningConfigFile.parse(JSON.parse(readFileSync(file, 'utf8')))
  return {
    recoveryPeriodDays: { ...DEFAULT_SCREENING_CONFIG.recoveryPeriodDays, ...overrides.recoveryPeriodDays },
    dutyToNotifyAuthorities: overrides.dutyToNotifyAuthorities ?? DEFAULT_SCREENING_CONFIG.dutyToNotifyAuthorities,
    dutyToNotifyNations: overrides.dutyToNotifyNations ?? DEFAULT_SCREENING_CONFIG.dutyToNotifyNations,
    moveOn: { ...DEFAULT_SCREENING_CONFIG.moveOn, ...overrides.moveOn },
  }
}

export const DEFAULT_SCHEDULE4_FILE = join(ROOT, 'reference-data/legal/msa-schedule-4.json')
export const DEFAULT_SCHEDULE4_ALIASES_FILE = join(ROOT, 'reference-data/legal/msa-schedule-4-aliases.json')
export const DEFAULT_BANK_HOLIDAYS_FILE = join(ROOT, 'reference-data/legal/bank-holidays-england-and-wales.json')

export function loadSchedule4(
  file = process.env.LANTERN_SCHEDULE4_FILE ?? DEFAULT_SCHEDULE4_FILE,
  aliasesFile = process.env.LANTERN_SCHEDULE4_ALIASES_FILE ?? DEFAULT_SCHEDULE4_ALIASES_FILE,
): Schedule4 {
  const parsed = Schedule4File.parse(JSON.parse(readFileSync(file, 'utf8')))
  const aliases = Schedule4AliasesFile.parse(JSON.parse(readFileSync(aliasesFile, 'utf8')))
  return { asOf: parsed.as_of, source: parsed.source, offences: parsed.offences, aliases }
}

export function loadBankHolidays(
  file = process.env.LANTERN_BANK_HOLIDAYS_FILE ?? DEFAULT_BANK_HOLIDAYS_FILE,
): BankHolidays {
  const parsed = BankHolidaysFile.parse(JSON.parse(readFileSync(file, 'utf8')))
  const dates = parsed.events.map((e) => e.date).sort()
  const [from, to] = parsed.coverage.split(' to ')
  return { dates: new Set(dates), coverageStart: from ?? dates[0], coverageEnd: to ?? dates[dates.length - 1] }
}
