import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { HEARD_VIA, PLACE_KINDS } from './public-report.form.ts'

/** The kind of place a report about an event's audience would most likely name. */
const PLACE_FOR_SECTOR: Record<string, string> = {
  'car-washes': 'car-wash',
  'nail-bars-beauty': 'nail-bar',
  'textiles-garments': 'factory',
  hotels: 'hotel',
  'taxi-transport': 'hotel',
  'travelling-community': 'site',
  construction: 'building-site',
  agriculture: 'farm',
}

/**
 * The demo's public reports as the public report would have recorded them: some came through the link or QR code of
 * an awareness event in an operation (received after it), and the others answered how they heard about reporting and
 * what kind of place it was. Synthetic: a demonstration of the outreach figures, not a finding.
 */
export async function loadDemoPublicReports(db: Db): Promise<{ attributed: number; answered: number }> {
  return inTransaction(db, async (trx) => {
    const { rows: reports } = await sql<{ id: string; received_at: Date }>`
      SELECT r.id, r.received_at FROM referrals r
      WHERE r.source = 'public-concern' AND NOT EXISTS (SELECT 1 FROM public_report_submissions s WHERE s.referral_id = r.id)
      ORDER BY r.received_at`.execute(trx)
    const { rows: events } = await sql<{ id: string; starts_at: Date; sectors: string[] }>`
      SELECT id, starts_at, sectors FROM outreach_events WHERE operation_id IS NOT NULL AND starts_at <= now()
      ORDER BY starts_at DESC`.execute(trx)
    const used = new Set<string>()
    let attributed = 0
    const record = async (referralId: string, eventId: string | null, heardVia: string, placeKind: string) => {
      used.add(referralId)
      await sql`
        INSERT INTO public_report_submissions (idempotency_key, referral_id, outreach_event_id, heard_via, place_kind)
        VALUES (${randomUUID()}, ${referralId}, ${eventId}, ${heardVia}, ${placeKind})`.execute(trx)
    }
    // Latest events first, so the recent ones (with fewer reports after them) get theirs: up to two each.
    for (const [n, e] of events.entries()) {
      const after = reports.filter(
        (r) =>
          !used.has(r.id) &&
          r.received_at >= e.starts_at &&
          r.received_at.getTime() < e.starts_at.getTime() + 365 * 86_400_000,
      )
      for (const r of after.slice(0, 2)) {
        await record(r.id, e.id, n % 2 === 0 ? 'poster' : 'event', PLACE_FOR_SECTOR[e.sectors[0]] ?? 'other')
        attributed++
      }
    }
    let answered = 0
    for (const [n, r] of reports.filter((x) => !used.has(x.id)).entries()) {
      if (n % 4 === 3) continue // Some reporters leave both questions blank.
      await record(r.id, null, HEARD_VIA[(n * 3) % HEARD_VIA.length], PLACE_KINDS[(n * 5) % PLACE_KINDS.length])
      answered++
    }
    return { attributed, answered }
  })
}
