import { describe, expect, it } from 'vitest'
import { filterQuery, parseQuarter, previousQuarter, readFilters } from './insight.filters.ts'
import { combinationLabel, exploitationBreakdown, firstResponderType } from './statistics.service.ts'
import { tableCsv } from './exports.ts'

describe('exploitation types the Home Office way', () => {
  it('derives "only X", "with other types" and combinations from the exact sets', () => {
    const b = exploitationBreakdown(
      new Map([
        ['labour', 5],
        ['criminal', 3],
        ['labour+sexual', 2],
        ['criminal+labour+sexual', 1],
        ['not-specified', 4],
      ]),
    )
    const labour = b.byType.find((t) => t.type === 'labour')!
    expect(labour).toEqual({ type: 'labour', only: 5, withOthers: 3, any: 8 })
    expect(b.byType.find((t) => t.type === 'sexual')).toEqual({ type: 'sexual', only: 0, withOthers: 3, any: 3 })
    expect(b.combinations).toEqual([
      { key: 'labour+sexual', n: 2 },
      { key: 'criminal+labour+sexual', n: 1 },
    ])
    expect([b.total, b.single, b.multi]).toEqual([15, 12, 3])
  })

  it('names combinations in the order of the Home Office categories', () => {
    expect(combinationLabel('criminal')).toBe('Criminal only')
    expect(combinationLabel('labour+sexual')).toBe('Labour and sexual')
    expect(combinationLabel('criminal+labour+sexual')).toBe('Labour, sexual and criminal')
    expect(combinationLabel('not-specified')).toBe('Not specified only')
  })
})

describe('filters', () => {
  it('reads a date range and priority, with the Design System messages', () => {
    const ok = readFilters({ 'from-day': '1', 'from-month': '4', 'from-year': '2026', priority: 'textile-industry' }, [
      'textile-industry',
    ])
    expect(ok.filters).toEqual({ from: '2026-04-01', to: null, priority: 'textile-industry' })
    expect(filterQuery(ok.filters)).toBe('from-day=1&from-month=4&from-year=2026&priority=textile-industry')
    const bad = readFilters(
      { 'from-day': '30', 'from-month': '2', 'from-year': '2026', 'to-month': '3', 'to-year': '2026', priority: 'x' },
      ['textile-industry'],
    )
    expect(bad.errors).toEqual({
      'from-day': 'Start date must be a real date',
      'to-day': 'End date must include a day',
      priority: 'Select a strategic priority from the list',
    })
    expect(bad.filters).toEqual({ from: null, to: null, priority: null })
    const backwards = readFilters(
      { 'from-day': '2', 'from-month': '4', 'from-year': '2026', 'to-day': '1', 'to-month': '4', 'to-year': '2026' },
      [],
    )
    expect(backwards.errors).toEqual({ 'to-day': 'End date must be the same as or after the start date' })
  })

  it('reads calendar quarters and refuses anything else', () => {
    expect(parseQuarter('2026-Q3')).toEqual({
      label: '2026-Q3',
      start: '2026-07-01',
      end: '2026-09-30',
      title: 'July to September 2026',
    })
    expect(parseQuarter('2024-q1')?.end).toBe('2024-03-31')
    for (const bad of ['2026-Q0', '2026-Q5', '26-Q1', 'Q1-2026', '1999-Q1', '']) expect(parseQuarter(bad)).toBeNull()
    expect(previousQuarter('2026-02-10')).toBe('2025-Q4')
    expect(previousQuarter('2026-11-29')).toBe('2026-Q3')
  })
})

describe('the quarterly return and downloads', () => {
  it('types first responders from the directory, then by name', () => {
    expect(firstResponderType('Border Force', 'border')).toBe('government')
    expect(firstResponderType('Riverton Constabulary', null)).toBe('police')
    expect(firstResponderType('Riverton Borough Council', null)).toBe('local-authority')
    expect(firstResponderType('The Salvation Army', null)).toBe('ngo')
    expect(firstResponderType('Someone', null)).toBe('unknown')
  })

  it('writes CSV that a spreadsheet will not run as a formula', () => {
    const csv = tableCsv(
      {
        name: 't',
        title: 'T',
        counts: '',
        headers: ['Label', 'N'],
        rows: [
          ['=cmd()', 1],
          ['A, "B"', 2],
        ],
        chart: null,
      },
      'All dates.',
    )
    expect(csv.replace(/^\uFEFF/, '').split('\r\n')).toEqual([
      'T',
      'All dates.',
      '',
      'Label,N',
      "'=cmd(),1",
      '"A, ""B""",2',
      '',
    ])
  })
})
