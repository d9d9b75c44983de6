import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '#src/platform/paths.ts'
import { DEFAULT_BANK_HOLIDAYS_FILE, DEFAULT_SCHEDULE4_FILE, loadSchedule4 } from './legal-data.ts'

describe('legal reference data', () => {
  it('ships the project’s shared legal data unchanged', () => {
    for (const [shipped, shared] of [
      [DEFAULT_SCHEDULE4_FILE, 'msa-schedule-4.json'],
      [DEFAULT_BANK_HOLIDAYS_FILE, 'bank-holidays-england-and-wales.json'],
    ]) {
      expect(readFileSync(shipped, 'utf8')).toBe(readFileSync(join(ROOT, '../shared/data/legal', shared), 'utf8'))
    }
  })

  it('keeps unconfirmed Schedule 4 entries marked as such', () => {
    const schedule = loadSchedule4()
    expect(schedule.offences.filter((o) => o.status === 'confirmed').length).toBe(56)
    expect(schedule.offences.filter((o) => o.status === 'unconfirmed').length).toBe(75)
  })
})

describe('screening configuration', () => {
  it('lets a force change unconfirmed facts by a file, keeping the defaults for the rest', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { loadScreeningConfig } = await import('./legal-data.ts')
    const file = join(mkdtempSync(join(tmpdir(), 'lantern-screening-')), 'screening.json')
    writeFileSync(
      file,
      JSON.stringify({ dutyToNotifyNations: ['England', 'Wales', 'Scotland'], recoveryPeriodDays: { England: 45 } }),
    )
    const config = loadScreeningConfig(file)
    expect(config.dutyToNotifyNations).toEqual(['England', 'Wales', 'Scotland'])
    expect(config.recoveryPeriodDays).toEqual({ England: 45, Wales: 30, Scotland: 90, NI: 45 })
    writeFileSync(file, JSON.stringify({ dutyToNotifyNations: ['Atlantis'] }))
    expect(() => loadScreeningConfig(file)).toThrow()
  })
})
