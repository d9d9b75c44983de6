import { describe, expect, it } from 'vitest'
import {
  ageGroup,
  completeQuarters,
  defaultPartnerYear,
  readPeriod,
  summariseOverlaps,
  typeColumn,
} from './sources.service.ts'

describe('figures for partners: the rules', () => {
  it('puts each referral in one type column, the Home Office way', () => {
    expect(typeColumn(['labour'])).toBe('labour')
    expect(typeColumn(['labour', 'not-specified'])).toBe('labour')
    expect(typeColumn(['sexual', 'labour'])).toBe('multiple')
    expect(typeColumn([])).toBe('not-specified')
    expect(typeColumn(['not-specified'])).toBe('not-specified')
  })

  it('groups ages, with unknown kept apart', () => {
    expect([
      ageGroup(17),
      ageGroup(18),
      ageGroup(24),
      ageGroup(25),
      ageGroup(44),
      ageGroup(45),
      ageGroup(null),
    ]).toEqual(['Under 18', '18 to 24', '18 to 24', '25 to 34', '35 to 44', '45 and over', 'Not known'])
  })

  it('offers only complete quarters, so published figures do not change under a partner', () => {
    expect(completeQuarters(2026, '2026-11-29')).toEqual(['2026-Q1', '2026-Q2', '2026-Q3'])
    expect(completeQuarters(2026, '2026-03-31')).toEqual([])
    expect(completeQuarters(2025, '2026-01-01')).toEqual(['2025-Q1', '2025-Q2', '2025-Q3', '2025-Q4'])
    expect(defaultPartnerYear('2026-02-10')).toBe(2025)
    expect(defaultPartnerYear('2026-04-01')).toBe(2026)
  })
})

describe('periods and the overlap summary', () => {
  it('reads periods and refuses others', () => {
    expect(readPeriod(undefined, '2026-11-29')!.range.from!.toISOString()).toBe('2025-11-29T00:00:00.000Z')
    expect(readPeriod('2025', '2026-11-29')!.range.from!.toISOString()).toBe('2025-01-01T00:00:00.000Z')
    expect(readPeriod('all', '2026-11-29')!.range).toEqual({ from: null, to: null })
    expect(readPeriod('2027', '2026-11-29')).toBeNull()
    expect(readPeriod('last-week', '2026-11-29')).toBeNull()
  })

  it('derives per-source, per-pair and by-count figures from exact source sets', () => {
    // NRM = bit 0, Helpline = 1, Police = 2, Partner = 3, Public = 4.
    const s = summariseOverlaps([
      { mask: 0b00001, people: 5, records: 5 },
      { mask: 0b00101, people: 3, records: 4 },
      { mask: 0b10110, people: 2, records: 2 },
    ])
    expect(s.people).toBe(10)
    expect(s.records).toBe(11)
    expect(s.bySourceCount).toEqual([
      { sources: 1, people: 5 },
      { sources: 2, people: 3 },
      { sources: 3, people: 2 },
    ])
    expect(Object.fromEntries(s.lists.map((l) => [l.key, l.people]))).toEqual({
      nrm: 8,
      helpline: 2,
      police: 5,
      partner: 0,
      public: 2,
    })
    expect(s.overlaps[0].cells).toEqual([null, 0, 3, 0, 0])
    expect(s.mse.ok).toBe(false)
  })
})
