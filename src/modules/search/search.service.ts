import { createHash } from 'node:crypto'
import { isValid as isValidPostcode, toNormalised as normalisePostcode } from 'postcode'
import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { normaliseName } from '#src/shared/names.ts'
import { isRealDate, isoDate } from '#src/shared/dates.ts'
import { caseVisible, normaliseIdentifier, recordVisible, visibleIds } from '#src/modules/people/index.ts'
import {
  looksLikeReference,
  normaliseReference,
  searchOccurrenceReferences,
  kindLabel,
} from '#src/modules/occurrence-references/index.ts'
import * as repo from './search.repository.ts'

export type SearchKind = 'reference' | 'phone' | 'vehicle' | 'postcode' | 'date-of-birth' | 'name'

export type SearchResults = {
  kind: SearchKind
  people: repo.PersonHit[]
  objects: repo.ObjectHit[]
  places: repo.PlaceHit[]
  references: repo.ReferenceHit[]
}

const REFERENCE = /^(REF|CASE)-\d{4}-\d{6}$/i
const POSTCODE_SECTOR = /^[A-Z]{1,2}\d[A-Z\d]? ?\d$/i

function parseDate(text: string): string | null {
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text) ?? null
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  const [d, mo, y] = m
    ? [Number(m[1]), Number(m[2]), Number(m[3])]
    : iso
      ? [Number(iso[3]), Number(iso[2]), Number(iso[1])]
      : [0, 0, 0]
  return y && isRealDate(y, mo, d) ? isoDate(y, mo, d) : null
}

/**
 * What the words typed look like: a reference, a phone, a vehicle, a postcode, a date of birth, or a name.
 * Words with digits that are none of the others (a crime number "NY-2026-004512", a CAD log "CAD 1234 05/12")
 * are a reference: names have no digits.
 */
export function classify(query: string): SearchKind {
  const q = query.trim()
  if (REFERENCE.test(q)) return 'reference'
  if (parseDate(q)) return 'date-of-birth'
  if (isValidPostcode(q) || POSTCODE_SECTOR.test(q)) return 'postcode'
  const digits = q.replace(/[\s()+-]/g, '')
  if (/^\d{7,15}$/.test(digits)) return 'phone'
  const compact = q.toUpperCase().replace(/[\s-]/g, '')
  if (/^[A-Z0-9]{2,8}$/.test(compact) && /\d/.test(compact) && /[A-Z]/.test(compact)) return 'vehicle'
  if (looksLikeReference(q)) return 'reference'
  return 'name'
}

/**
 * One search box over people, phones, vehicles, postcodes and references. Results carry nothing protected
 * (no immigration status, no victim facet) and hide restricted cases. Every search is audited with a hash of
 * what was searched for and the ids found: a DPO can check a suspected search without the log itself
 * holding the name someone typed.
 */
export function createSearchService(db: Db) {
  return {
    classify,
    async search(
      query: string,
      options: { dateOfBirth: string | null },
      user: CurrentUser,
      actor: Actor,
    ): Promise<SearchResults> {
      const q = query.trim().slice(0, 200)
      const kind = classify(q)
      const results: SearchResults = { kind, people: [], objects: [], places: [], references: [] }
      // Anything that exists only inside a restricted live job the user does not work is never found.
      const visible: repo.Visibility = {
        record: (k, column) => recordVisible(k, column, user),
        inCase: (column) => caseVisible(column, user),
      }
      await inTransaction(db, async (trx) => {
        switch (kind) {
          case 'reference': {
            if (REFERENCE.test(q)) results.references = await repo.searchReference(trx, q.toUpperCase(), visible)
            break
          }
          case 'phone': {
            const phone = normaliseIdentifier('phone', q)
            if (phone.ok) results.objects = await repo.searchObjects(trx, ['phone', 'deal-line'], phone.value, visible)
            break
          }
          case 'vehicle': {
            const vrm = normaliseIdentifier('vehicle', q)
            if (vrm.ok) results.objects = await repo.searchObjects(trx, ['vehicle'], vrm.value, visible)
            break
          }
          case 'postcode': {
            const full = isValidPostcode(q)
            results.places = await repo.searchPostcode(
              trx,
              full
                ? normalisePostcode(q)!
                : q
                    .toUpperCase()
                    .replace(/\s+/, ' ')
                    .replace(/^(\S+?)(\d)$/, '$1 $2'),
              !full,
              50,
              visible,
            )
            break
          }
          case 'date-of-birth':
            results.people = await repo.searchPeopleByDateOfBirth(trx, parseDate(q)!, 50)
            break
          case 'name': {
            const folded = normaliseName(q)
            if (folded.length >= 2) {
              const dob = options.dateOfBirth ? parseDate(options.dateOfBirth) : null
              const year =
                !dob && options.dateOfBirth && /^\d{4}$/.test(options.dateOfBirth.trim())
                  ? Number(options.dateOfBirth.trim())
                  : null
              results.people = await repo.searchPeopleByName(trx, folded, {
                dateOfBirth: dob,
                birthYear: year,
                limit: 50,
              })
            }
            break
          }
        }
        // A crime or occurrence reference finds the referrals and live jobs that record it (a restricted job only
        // for those who may see it). Looked up for any words that could be one, so an all-digit crime number that
        // reads as a phone number is found as both.
        if (looksLikeReference(q)) {
          const known = new Set(results.references.map((r) => r.id))
          for (const hit of await searchOccurrenceReferences(trx, normaliseReference(q), visible.inCase)) {
            if (known.has(hit.id)) continue
            known.add(hit.id)
            results.references.push({
              kind: hit.kind,
              id: hit.id,
              reference: hit.reference,
              matched: `${kindLabel(hit.matched_kind)} ${hit.matched_value}`,
            })
          }
        }
        if (results.people.length > 0) {
          const shown = await visibleIds(
            trx,
            'person',
            results.people.map((p) => p.person_id),
            user,
          )
          results.people = results.people.filter((p) => shown.has(p.person_id))
        }
        const found = [
          ...results.people.map((p) => p.person_id),
          ...results.objects.map((o) => o.object_id),
          ...results.places.map((p) => p.location_id),
          ...results.references.map((r) => r.id),
        ]
        await appendAuditEvents(trx, actor, [
          {
            action: 'search.performed',
            subjectType: 'search',
            details: {
              kind,
              queryHash: createHash('sha256').update(q.toLowerCase()).digest('hex'),
              results: found.slice(0, 100),
            },
          },
        ])
      })
      return results
    },
  }
}

export type SearchService = ReturnType<typeof createSearchService>
