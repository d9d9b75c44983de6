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
