import * as echarts from 'echarts'
import { CHART_TEXT_PX } from '#src/shared/charts.ts'

export type ImpactRow = { label: string; before: number; after: number }

// GOV.UK colours: dark blue and orange are distinguishable with common colour-vision deficiencies, and the
// figures are also in the table beside the chart, so colour never carries meaning alone.
const BEFORE = '#1d70b8'
const AFTER = '#d4351c'

/**
 * The before-and-after chart as an SVG document, rendered on the server. It is served as an image from its
 * own route: inline, its <style> element would break the strict CSP (STACK.md, gotcha 11).
 */
export function impactChartSvg(rows: ImpactRow[], options: { beforeLabel: string; afterLabel: string }): string {
  const width = 720
  const height = 420
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: 'Arial, sans-serif', fontSize: CHART_TEXT_PX, color: '#0b0c0c' },
      legend: { top: 0, data: [options.beforeLabel, options.afterLabel], textStyle: { fontSize: CHART_TEXT_PX } },
      grid: { left: 64, right: 20, top: 48, bottom: 130 },
      xAxis: {
        type: 'category',
        data: rows.map((r) => (r.label.length > 20 ? r.label.slice(0, 19) + '…' : r.label)),
        axisLabel: { interval: 0, rotate: rows.length > 4 ? 30 : 0, fontSize: CHART_TEXT_PX },
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        name: 'Referrals',
        axisLabel: { fontSize: CHART_TEXT_PX },
        nameTextStyle: { fontSize: CHART_TEXT_PX },
      },
      series: [
        {
          name: options.beforeLabel,
          type: 'bar',
          data: rows.map((r) => r.before),
          itemStyle: { color: BEFORE },
          label: { show: true, position: 'top', fontSize: CHART_TEXT_PX },
        },
        {
          name: options.afterLabel,
          type: 'bar',
          data: rows.map((r) => r.after),
          itemStyle: { color: AFTER },
          label: { show: true, position: 'top', fontSize: CHART_TEXT_PX },
        },
      ],
    })
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}
