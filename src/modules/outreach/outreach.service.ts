import { createHash, randomInt } from 'node:crypto'
import type { Db, Queryable } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { cached } from '#src/shared/cached.ts'
import { londonDate, londonToInstant } from '#src/shared/dates.ts'
import { listPriorityTags, unknownPriorityTags } from '#src/modules/priorities/index.ts'
import { OutreachError } from './outreach.errors.ts'
import type { EventInput } from './outreach.form.ts'
import { MATERIAL_MAX_BYTES, cleanFilename, sniffMaterial } from './outreach.materials.ts'
import { SECTORS } from './outreach.vocabulary.ts'
import type { ImpactRow } from './outreach.chart.ts'
import * as repo from './outreach.repository.ts'

export const EVENT_COUNT_CAP = 1_000

export type ImpactTarget =
  { kind: 'event'; id: string } | { kind: 'sector'; sector: string } | { kind: 'organisation'; id: string }

export type Impact = {
  title: string
  /** What each row is: the audiences of one event, or the events that reached one sector or organisation. */
  rowHeader: string
  rows: (ImpactRow & { href?: string })[]
  days: number
  /** Events whose "after" window has not finished yet: the figure is so far, not final. */
  incompleteAfter: boolean
}

/**
 * The organisation a referral came from, found or created by its name, and the sector recorded for it.
 * Used by the referral intake so that a referral links to the organisations an event reached.
 */
export async function resolveReferringOrganisation(
  db: Queryable,
  name: string | null,
  sector: string | null,
): Promise<{ organisationId: string | null; sector: string | null }> {
  const cleanSector = sector && SECTORS.has(sector) ? sector : null
  if (!name || !name.trim()) return { organisationId: null, sector: cleanSector }
  const [organisation] = await repo.findOrCreateOrganisations(db, [{ name: name.trim(), sector: cleanSector }])
  return { organisationId: organisation.id, sector: cleanSector ?? organisation.sector }
}

/** Letters and digits that cannot be mistaken for each other on a poster (no I, O, 0 or 1). */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'

/** An event's code for its short link: its operation's code (or EV) and four characters, like LAUD-7KQ3. */
export function newRefCode(prefix: string | null): string {
  const tail = Array.from({ length: 4 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('')
  return `${prefix ?? 'EV'}-${tail}`
}

/** A code as typed or scanned ("laud-7kq3 ") in the form it is stored, or null when it cannot be one. */
export function cleanRefCode(value: string): string | null {
  const code = value.trim().toUpperCase()
  return /^[A-Z0-9]{2,12}-[A-Z0-9]{4,8}$/.test(code) ? code : null
}

/** Awareness events and training inputs: recording them, their materials and feedback, and their impact. */
export function createOutreachService(db: Db) {
  async function assertPriorityTags(tags: string[]): Promise<void> {
    if ((await unknownPriorityTags(db, tags)).length > 0)
      throw new OutreachError('unknown-priority-tag', 'Select strategic priorities from the list', 'priorityTags')
  }

  const organisations = cached(() => repo.listOrganisations(db), 10_000)

  const operations = cached(() => repo.listOperationOptions(db), 10_000)

  return {
    priorityTags: cached(() => listPriorityTags(db), 10_000),
    organisations,
    operations,

    /** Records an event with its audience organisations (created when new), in one transaction with its audit row. */
    async recordEvent(input: EventInput, actor: Actor): Promise<string> {
      await assertPriorityTags(input.priorityTags)
      const startsAt = londonToInstant(input.date, input.startTime)
      const endsAt = input.endTime ? londonToInstant(input.date, input.endTime) : null
      // An organisation named at an event with a single audience sector is taken to be in that sector;
      // with several sectors we do not guess, and the organisation's sector stays as it was.
      const sector = input.sectors.length === 1 ? input.sectors[0] : null
      const id = uuidv7()
      let refCode = ''
      await inTransaction(db, async (trx) => {
        const operation = input.operationId ? await repo.findOperationOption(trx, input.operationId) : undefined
        if (input.operationId && !operation)
          throw new OutreachError('unknown-operation', 'Select an operation from the list', 'operationId')
        do refCode = newRefCode(operation?.code ?? null)
        while (await repo.refCodeTaken(trx, refCode))
        const audience = await repo.findOrCreateOrganisations(
          trx,
          input.organisations.map((name) => ({ name, sector })),
        )
        await repo.insertEvent(
          trx,
          {
            id,
            title: input.title,
            kind: input.kind,
            startsAt,
            endsAt,
            delivery: input.delivery,
            venue: input.venue,
            sectors: input.sectors,
            attendeeCount: input.attendeeCount,
            trainers: input.trainers,
            priorityTags: input.priorityTags,
            notes: input.notes,
            createdBy: actor.userId,
            operationId: operation?.id ?? null,
            refCode,
          },
          audience.map((o) => o.id),
        )
        await appendAuditEvents(trx, actor, [
          {
            action: 'outreach.event-recorded',
            subjectType: 'outreach-event',
            subjectId: id,
            details: {
              organisations: audience.map((o) => o.id),
              sectors: input.sectors,
              operationId: operation?.id ?? null,
              refCode,
            },
          },
        ])
      })
      organisations.invalidate()
      return id
    },

    /** The event a short link or QR code names; null for a code no event has (the public are never told which). */
    async eventByRefCode(value: string): Promise<{ id: string; refCode: string } | null> {
      const code = cleanRefCode(value)
      const event = code ? await repo.findEventByRefCode(db, code) : undefined
      return event ? { id: event.id, refCode: event.ref_code } : null
    },

    /** An operation's events with the public reports that came through each one's link. */
    operationEvents: (operationId: string) => repo.eventsOfOperation(db, operationId),

    /** Events, people reached and attributed public reports per operation, for the problem profile. */
    attribution: (period: { from: string | null; to: string | null; priority: string | null }) =>
      repo.attributionByOperation(db, period),

    async list(filters: repo.EventFilters, page: number, pageSize: number, sort: 'newest' | 'oldest' = 'newest') {
      const [rows, total] = await Promise.all([
        repo.listEvents(db, filters, { limit: pageSize, offset: (page - 1) * pageSize, sort }),
        repo.countEvents(db, filters, EVENT_COUNT_CAP),
      ])
      return { rows, total: Math.min(total, EVENT_COUNT_CAP), totalCapped: total > EVENT_COUNT_CAP }
    },

    /** The events of one month ('YYYY-MM'), laid out as weeks from Monday to Sunday. */
    async calendar(month: string) {
      const [y, m] = month.split('-').map(Number)
      const first = `${month}-01`
      const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`
      const events = await repo.eventsBetween(db, first, next)
      const byDay = new Map<string, repo.EventListRow[]>()
      for (const e of events) {
        const day = londonDate(e.starts_at)
        byDay.set(day, [...(byDay.get(day) ?? []), e])
      }
      const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate()
      const offset = (new Date(Date.UTC(y, m - 1, 1)).getUTCDay() + 6) % 7
      const cells: ({ day: number; date: string; events: repo.EventListRow[] } | null)[] = Array.from(
        { length: offset },
        () => null,
      )
      for (let d = 1; d <= daysInMonth; d++) {
        const date = `${month}-${String(d).padStart(2, '0')}`
        cells.push({ day: d, date, events: byDay.get(date) ?? [] })
      }
      while (cells.length % 7 !== 0) cells.push(null)
      const weeks = Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(i * 7, i * 7 + 7))
      const previous = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
      const following = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
      return { weeks, events, previous, next: following, truncated: events.length >= 500 }
    },

    async view(id: string) {
      const event = await repo.findEvent(db, id)
      if (!event) throw new OutreachError('not-found', 'Event not found')
      const [audience, materials, feedback] = await Promise.all([
        repo.findEventOrganisations(db, id),
        repo.listMaterials(db, id),
        repo.listFeedback(db, id),
      ])
      const average = feedback.length ? feedback.reduce((sum, f) => sum + f.score, 0) / feedback.length : null
      return { event, organisations: audience, materials, feedback, feedbackAverage: average }
    },

    /** Checks a material by its bytes and size, and stores it with its audit row. */
    async uploadMaterial(
      eventId: string,
      file: { filename: string; data: Buffer; truncated: boolean },
      actor: Actor,
    ): Promise<string> {
      if (file.truncated || file.data.length > MATERIAL_MAX_BYTES)
        throw new OutreachError('material-too-large', 'The file must be smaller than 10 MB', 'material')
      if (file.data.length === 0) throw new OutreachError('material-empty', 'The selected file is empty', 'material')
      const kind = sniffMaterial(file.data)
      if (!kind)
        throw new OutreachError(
          'material-type',
          'The selected file must be a PDF, a PowerPoint (PPTX) or an OpenDocument presentation (ODP)',
          'material',
        )
      const id = uuidv7()
      await inTransaction(db, async (trx) => {
        if (!(await repo.eventExists(trx, eventId))) throw new OutreachError('not-found', 'Event not found')
        const sha256 = createHash('sha256').update(file.data).digest('hex')
        await repo.insertMaterial(trx, {
          id,
          eventId,
          filename: cleanFilename(file.filename, kind),
          contentType: kind.contentType,
          data: file.data,
          sha256,
          uploadedBy: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'outreach.material-uploaded',
            subjectType: 'outreach-material',
            subjectId: id,
            details: { eventId, sha256, bytes: file.data.length },
          },
        ])
      })
      return id
    },

    async downloadMaterial(id: string, actor: Actor) {
      return inTransaction(db, async (trx) => {
        const material = await repo.findMaterial(trx, id)
        if (!material) throw new OutreachError('not-found', 'Material not found')
        await appendAuditEvents(trx, actor, [
          {
            action: 'outreach.material-downloaded',
            subjectType: 'outreach-material',
            subjectId: id,
            details: { eventId: material.event_id },
          },
        ])
        return material
      })
    },

    async addFeedback(
      eventId: string,
      feedback: { score: number; comment: string | null },
      actor: Actor,
    ): Promise<void> {
      await inTransaction(db, async (trx) => {
        if (!(await repo.eventExists(trx, eventId))) throw new OutreachError('not-found', 'Event not found')
        const id = await repo.insertFeedback(trx, {
          eventId,
          score: feedback.score,
          comment: feedback.comment,
          createdBy: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'outreach.feedback-added',
            subjectType: 'outreach-event',
            subjectId: eventId,
            details: { feedbackId: id, score: feedback.score },
          },
        ])
      })
    },

    /**
     * Referrals from the same organisations or sectors in the `days` before and after: for an event, by each
     * of its audiences; for a sector or an organisation, around each event that reached it. Counts only.
     */
    async impact(target: ImpactTarget, days: number): Promise<Impact> {
      const now = Date.now()
      if (target.kind === 'event') {
        const event = await repo.findEvent(db, target.id)
        if (!event) throw new OutreachError('not-found', 'Event not found')
        const audience = await repo.findEventOrganisations(db, target.id)
        const counts = new Map(
          (
            await repo.eventImpactCounts(
              db,
              event.starts_at,
              days,
              audience.map((o) => o.id),
              event.sectors,
            )
          ).map((c) => [c.key, c]),
        )
        const row = (label: string, key: string, href?: string): ImpactRow & { href?: string } => ({
          label,
          before: counts.get(key)?.before ?? 0,
          after: counts.get(key)?.after ?? 0,
          href,
        })
        return {
          title: event.title,
          rowHeader: 'Audience',
          rows: [
            ...audience.map((o) =>
              row(o.name, `organisation:${o.id}`, `/outreach/impact?organisation=${o.id}&days=${days}`),
            ),
            ...event.sectors.map((s) =>
              row(`Sector: ${SECTORS.label(s)}`, `sector:${s}`, `/outreach/impact?sector=${s}&days=${days}`),
            ),
            row('Any of these (each referral counted once)', 'any'),
          ],
          days,
          incompleteAfter: event.starts_at.getTime() + days * 86_400_000 > now,
        }
      }
      let title: string
      let rows: repo.EventWindowRow[]
      if (target.kind === 'sector') {
        if (!SECTORS.has(target.sector)) throw new OutreachError('not-found', 'There is no such sector')
        title = `Sector: ${SECTORS.label(target.sector)}`
        rows = await repo.impactAroundEvents(db, { sector: target.sector }, days)
      } else {
        const organisation = await repo.findOrganisation(db, target.id)
        if (!organisation) throw new OutreachError('not-found', 'Organisation not found')
        title = organisation.name
        rows = await repo.impactAroundEvents(db, { organisationId: target.id }, days)
      }
      return {
        title,
        rowHeader: 'Event',
        rows: rows.reverse().map((r) => ({
          label: `${r.title} (${londonDate(r.starts_at)})`,
          before: r.before,
          after: r.after,
          href: `/outreach/events/${r.id}`,
        })),
        days,
        incompleteAfter: rows.some((r) => r.starts_at.getTime() + days * 86_400_000 > now),
      }
    },
  }
}

export type OutreachService = ReturnType<typeof createOutreachService>
