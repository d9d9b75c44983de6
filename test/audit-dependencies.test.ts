import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain JavaScript script with JSDoc types, run by node in CI
import { classify } from '../scripts/audit-dependencies.js'

type Verdict = {
  outcome: string
  blocking: { name: string; severity: string; advisories: string[] }[]
  reason?: string
}
const judge = classify as (stdout: string, stderr?: string) => Verdict

const report = (vulnerabilities: Record<string, { severity: string; via: unknown[] }>) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities: Object.fromEntries(Object.entries(vulnerabilities).map(([name, v]) => [name, { name, ...v }])),
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0 } },
  })

describe('dependency audit verdict', () => {
  it('passes a report with nothing above moderate, and fails on high or critical, naming them', () => {
    expect(
      judge(
        report({
          'left-pad': { severity: 'moderate', via: [{ title: 'ReDoS', url: 'https://github.com/advisories/GHSA-1' }] },
        }),
      ).outcome,
    ).toBe('clean')
    const verdict = judge(
      report({
        'left-pad': { severity: 'low', via: [] },
        fastify: {
          severity: 'high',
          via: [{ title: 'Body limit bypass', url: 'https://github.com/advisories/GHSA-2' }],
        },
        pg: { severity: 'critical', via: ['pg-protocol'] },
      }),
    )
    expect(verdict.outcome).toBe('findings')
    expect(verdict.blocking.map((b) => `${b.severity} ${b.name}`).sort()).toEqual(['critical pg', 'high fastify'])
    expect(verdict.blocking.find((b) => b.name === 'fastify')!.advisories).toEqual([
      'Body limit bypass https://github.com/advisories/GHSA-2',
    ])
  })

  it('tells an unreachable endpoint (as this machine’s registry answers: 405) from a pass and from a broken set-up', () => {
    const refused = JSON.stringify({
      message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
      statusCode: 405,
      body: '',
      error: { summary: '', detail: '' },
    })
    expect(judge(refused, 'npm error audit endpoint returned an error').outcome).toBe('unreachable')
    expect(
      judge('', 'npm error code ENOTFOUND\nnpm error network request to https://registry.npmjs.org failed').outcome,
    ).toBe('unreachable')
    expect(judge(JSON.stringify({ error: { code: 'ETIMEDOUT', summary: 'request timed out' } })).outcome).toBe(
      'unreachable',
    )
    expect(
      judge(JSON.stringify({ error: { code: 'ENOLOCK', summary: 'This command requires an existing lockfile.' } }))
        .outcome,
    ).toBe('broken')
    expect(judge('not json at all').outcome).toBe('broken')
  })
})
