import { generateKeyPairSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from './config.ts'

describe('configuration', () => {
  it('refuses to start in production without a session secret or a database server', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/lantern' })).toThrow(
      'SESSION_SECRET is required in production',
    )
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) })).toThrow(
      'DATABASE_URL is required in production',
    )
    expect(() =>
      loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), DATABASE_URL: 'postgres://db/lantern' }),
    ).toThrow('AUDIT_CHECKPOINT_KEY is required in production')
  })

  it('takes the audit checkpoint key as an Ed25519 PEM (newlines escaped or not), or generates one once in the data folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lantern-config-'))
    const first = loadConfig({ LANTERN_DATA_DIR: dir })
    expect(loadConfig({ LANTERN_DATA_DIR: dir }).auditCheckpointKey).toBe(first.auditCheckpointKey)
    expect(first.auditCheckpointKey).toContain('BEGIN PRIVATE KEY')
    expect(statSync(join(dir, 'audit-checkpoint-key')).mode & 0o077).toBe(0)
    expect(first.auditCheckpointDir).toBe(join(dir, 'audit-checkpoints'))
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    expect(
      loadConfig({ LANTERN_DATA_DIR: dir, AUDIT_CHECKPOINT_KEY: pem.replace(/\n/g, '\\n') }).auditCheckpointKey,
    ).toBe(pem)
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString()
    expect(() => loadConfig({ LANTERN_DATA_DIR: dir, AUDIT_CHECKPOINT_KEY: rsa })).toThrow(
      'AUDIT_CHECKPOINT_KEY must be an Ed25519 private key',
    )
    expect(() => loadConfig({ LANTERN_DATA_DIR: dir, AUDIT_CHECKPOINT_KEY: 'not a key' })).toThrow(
      'AUDIT_CHECKPOINT_KEY must be an Ed25519 private key',
    )
  })

  it('lists every invalid setting at once', () => {
    expect(() => loadConfig({ PORT: 'eighty', LANTERN_DEMO: 'maybe' })).toThrow(/PORT[\s\S]*LANTERN_DEMO/)
  })

  it('generates a session secret once and keeps it private in the data folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lantern-config-'))
    const first = loadConfig({ LANTERN_DATA_DIR: dir })
    const again = loadConfig({ LANTERN_DATA_DIR: dir })
    expect(first.sessionSecret).toHaveLength(64)
    expect(again.sessionSecret).toBe(first.sessionSecret)
    expect(readFileSync(join(dir, 'session-secret'), 'utf8').trim()).toBe(first.sessionSecret)
    expect(statSync(join(dir, 'session-secret')).mode & 0o077).toBe(0)
  })

  it('never loads the demo into a database server', () => {
    expect(
      loadConfig({ DATABASE_URL: 'postgres://127.0.0.1/lantern', LANTERN_DATA_DIR: mkdtempSync(join(tmpdir(), 'l-')) })
        .demo,
    ).toBe(false)
  })

  it('trusts no proxy unless TRUSTED_PROXIES lists its addresses, and refuses a malformed entry by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'l-'))
    expect(loadConfig({ LANTERN_DATA_DIR: dir }).trustedProxies).toEqual([])
    const auditKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    expect(
      loadConfig({
        NODE_ENV: 'production',
        SESSION_SECRET: 'x'.repeat(40),
        DATABASE_URL: 'postgres://db/lantern',
        AUDIT_CHECKPOINT_KEY: auditKey,
        LANTERN_DATA_DIR: dir,
      }).trustedProxies,
    ).toEqual([])
    expect(
      loadConfig({ LANTERN_DATA_DIR: dir, TRUSTED_PROXIES: ' 10.0.0.5, 10.1.0.0/16 ,fd00::/8,::1 ' }).trustedProxies,
    ).toEqual(['10.0.0.5', '10.1.0.0/16', 'fd00::/8', '::1'])
    expect(loadConfig({ LANTERN_DATA_DIR: dir, TRUSTED_PROXIES: '' }).trustedProxies).toEqual([])
    for (const bad of [
      'true',
      '*',
      '10.0.0.0/33',
      'fd00::/129',
      'proxy.example',
      '10.0.0.1/',
      '10.0.0.256',
      '0.0.0.0/0',
      '::/0',
    ]) {
      expect(() => loadConfig({ LANTERN_DATA_DIR: dir, TRUSTED_PROXIES: bad }), bad).toThrow(/TRUSTED_PROXIES/)
    }
  })
})
