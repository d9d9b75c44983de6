import { describe, expect, it } from 'vitest'
import { impactChartSvg } from '#src/modules/outreach/outreach.chart.ts'
import { chartSvg } from './charts.ts'

/** Every font size an SVG chart sets, in px. */
const fontSizes = (svg: string) => [...svg.matchAll(/font-size:\s*([\d.]+)px/g)].map((m) => Number(m[1]))

describe('charts', () => {
  const charts = {
    'a sideways bar chart with a legend': chartSvg({
      kind: 'bar',
      categories: ['Sexual exploitation', 'Labour exploitation', 'Criminal exploitation (including County Lines)'],
      series: [
        { name: 'Referrals', values: [3, 4, 9] },
        { name: 'Victims', values: [2, 3, 7] },
      ],
      unit: 'Referrals',
    }),
    'a column chart': chartSvg({
      kind: 'column',
      categories: ['Jan', 'Feb', 'Mar'],
      series: [{ name: 'Referrals', values: [1, 0, 5] }],
      unit: 'Referrals',
    }),
    'a line chart': chartSvg({
      kind: 'line',
      categories: Array.from({ length: 30 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`),
      series: [{ name: 'Referrals', values: Array.from({ length: 30 }, (_, i) => i % 7) }],
      unit: 'Referrals',
    }),
    'the outreach before-and-after chart': impactChartSvg(
      [
        { label: 'Car washes', before: 1, after: 4 },
        { label: 'Nail bars', before: 0, after: 2 },
      ],
      { beforeLabel: '28 days before', afterLabel: '28 days from the event' },
    ),
  }

  it.each(Object.entries(charts))(
    'draws no word in %s smaller than the body text of its table (19px)',
    (_name, svg) => {
      const sizes = fontSizes(svg)
      expect(sizes.length).toBeGreaterThan(0)
      expect(Math.min(...sizes)).toBeGreaterThanOrEqual(19)
    },
  )

  it('names each series in a legend when colour tells them apart', () => {
    expect(charts['a sideways bar chart with a legend']).toContain('>Victims<')
    expect(charts['the outreach before-and-after chart']).toContain('>28 days from the event<')
  })
})
