import type { Db, Queryable } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { requireVictimSide } from '#src/modules/people/index.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { findSubject, listScreenings } from '#src/modules/screening/index.ts'
import type { Assessment } from '#src/modules/screening/index.ts'
import type { ScreeningAnswers } from '#src/modules/screening/index.ts'
import {
  answerForm,
  checkDraftAnswers,
  exportForm,
  isDraftKey,
  loadFormQuestions,
  ROUTE_TITLES,
  routeFor,
  type DraftAnswers,
  type DraftData,
  type FormContext,
} from './nrm.form.ts'
import { NrmError } from './nrm.errors.ts'
import { crimeReferencesOf } from '#src/modules/occurrence-references/index.ts'
import * as repo from './nrm.repository.ts'

/** Bad answers, each by the draft key it is about, so a page shows them beside the words typed and an API as pointers. */
export class NrmDraftInvalid extends Error {
  readonly status = 400
  constructor(readonly errors: Record<string, string>) {
    super('The NRM draft has problems')
  }
}

export type DraftSaveInput = {
  /** The version the officer started from: null for a draft not yet saved. */
  version: number | null
  answers: Record<string, unknown>
  /** A section of the form being saved, and whether the officer says it is complete. */
  section?: string | null
  complete?: boolean | null
}

function readData(raw: Record<string, unknown> | undefined): DraftData {
  const answers = (raw?.answers && typeof raw.answers === 'object' ? raw.answers : {}) as DraftAnswers
  const completed = Array.isArray(raw?.completed)
    ? (raw.completed as unknown[]).filter((s): s is string => typeof s === 'string')
    : []
  return { answers, completed }
}

async function formContext(
  db: Queryable,
  referralId: string,
  personId: string,
  user: CurrentUser,
): Promise<FormContext> {
  const subject = await findSubject(db, referralId, personId)
  if (!subject) throw new NrmError('not-found', 'That person is not in this referral')
  const [screenings, consents, nrmReferrals, rows] = await Promise.all([
    listScreenings(db, referralId, personId),
    repo.listConsents(db, personId),
    repo.listNrmReferrals(db, referralId, personId),
    repo.draftContextRows(db, referralId, personId),
  ])
  const crimes = await crimeReferencesOf(db, referralId)
  const confirmed = screenings.find((s) => s.status === 'confirmed')
  const screening = confirmed
    ? {
        facts: (confirmed.facts ?? {}) as Record<string, unknown>,
        outcome: confirmed.outcome as unknown as Assessment,
        answers: confirmed.answers as ScreeningAnswers,
        confirmedRoute: confirmed.confirmed_route,
      }
    : null
  const base = {
    subject: { ...subject, languages: rows.languages },
    screening,
  }
  const referral = rows.referral
  if (!referral) throw new NrmError('not-found', 'Referral not found')
  return {
    route: routeFor(base),
    subject: base.subject,
    referral: { ...referral, received_at: new Date(referral.received_at) },
    locations: rows.locations,
    others: rows.others,
    screening,
    consent: consents.find((c) => c.purpose === 'nrm-referral') ?? null,
    nrm: nrmReferrals[0] ?? null,
    user: { name: user.displayName, email: user.email },
    crimeReferences: crimes.map((c) => c.value),
  }
}

/** The questions the form requires on this person's route that the draft (with what Lantern knows) leaves unanswered. */
export async function formMissing(
  db: Queryable,
  referralId: string,
  personId: string,
  user: CurrentUser,
): Promise<{ question: string }[]> {
  const ctx = await formContext(db, referralId, personId, user)
  const data = readData((await repo.findNrmDraft(db, referralId, personId))?.data)
  return answerForm({ ...ctx, draft: data.answers }, data).missing
}

/**
 * The NRM / Duty to Notify form, drafted in Lantern for one person in a referral, under the victim-side access policy.
 * Its audit actions are in the `nrm.` family, so a subject access bundle withholds them from those without the
 * victim side, as it does the rest of the facet (their count would tell that a draft exists).
 */
export function createNrmDraftService(db: Db) {
  async function build(trx: Queryable, referralId: string, personId: string, user: CurrentUser) {
    const ctx = await formContext(trx, referralId, personId, user)
    const row = await repo.findNrmDraft(trx, referralId, personId)
    const data = readData(row?.data)
    const form = answerForm({ ...ctx, draft: data.answers }, data)
    return {
      subject: { name: ctx.subject.name, reference: ctx.subject.reference },
      route: form.route,
      routeTitle: ROUTE_TITLES[form.route],
      version: row?.version ?? null,
      updatedAt: row?.updated_at ?? null,
      updatedBy: row?.updated_by_name ?? null,
      answers: data.answers,
      completed: data.completed,
      sections: form.sections,
      missing: form.missing,
      ready: form.missing.length === 0,
      export: exportForm(form),
    }
  }

  return {
    /**
     * The draft with what Lantern already knows filled in. Every view is audited; `audit: false` is for a caller
     * that audits its own purpose (the PDF download) or only checks the draft before saving it.
     */
    async view(
      referralId: string,
      personId: string,
      user: CurrentUser,
      actor: Actor,
      options: { audit: boolean } = { audit: true },
    ) {
      return inTransaction(db, async (trx) => {
        // A person not in this referral is not found, whoever asks: the access answer would tell that they exist.
        if (!(await findSubject(trx, referralId, personId)))
          throw new NrmError('not-found', 'That person is not in this referral')
        await requireVictimSide(trx, user, personId, 'view')
        const draft = await build(trx, referralId, personId, user)
        if (options.audit)
          await appendAuditEvents(trx, actor, [
            { action: 'nrm.draft-viewed', subjectType: 'person', subjectId: personId, details: { referralId } },
          ])
        return draft
      })
    },

    /**
     * Saves answers (merged into the draft; an empty answer clears one) if the draft is still at the version the
     * officer started from, with its audit row in the same transaction. Marking a section complete needs every
     * question the form requires there on this person's route.
     */
    async save(
      referralId: string,
      personId: string,
      input: DraftSaveInput,
      user: CurrentUser,
      actor: Actor,
    ): Promise<{ version: number }> {
      const checked = checkDraftAnswers(input.answers)
      if (Object.keys(checked.errors).length) throw new NrmDraftInvalid(checked.errors)
      const { sections } = loadFormQuestions()
      if (input.section && !sections.some((s) => s.id === input.section))
        throw new NrmDraftInvalid({ section: 'That is not a section of the NRM form' })
      return inTransaction(db, async (trx) => {
        if (!(await findSubject(trx, referralId, personId)))
          throw new NrmError('not-found', 'That person is not in this referral')
        await requireVictimSide(trx, user, personId, 'edit')
        const ctx = await formContext(trx, referralId, personId, user)
        const row = await repo.findNrmDraft(trx, referralId, personId, true)
        const current = row?.version ?? null
        if (input.version !== current) {
          throw new NrmError(
            'conflict',
            `Someone else saved this NRM draft${row?.updated_by_name ? ` (${row.updated_by_name})` : ''} since you opened it. Your answers are still on this page: check the draft and save again.`,
            'version',
          )
        }
        const data = readData(row?.data)
        const answers: DraftAnswers = { ...data.answers }
        const changed: string[] = []
        for (const [key, value] of Object.entries(checked.answers)) {
          if (!isDraftKey(key)) continue
          if (JSON.stringify(answers[key]) === JSON.stringify(value ?? undefined)) continue
          changed.push(key)
          if (value === null) delete answers[key]
          else answers[key] = value
        }
        let completed = data.completed.filter((s) => s !== input.section)
        if (input.section && input.complete) {
          const form = answerForm({ ...ctx, draft: answers }, { answers, completed })
          const section = form.sections.find((s) => s.id === input.section)
          const errors: Record<string, string> = {}
          for (const q of section?.missing ?? []) {
            if (q.draftKey)
              errors[q.draftKey] =
                `Answer “${q.question}”: the form needs it for ${ROUTE_TITLES[ctx.route].replace('NRM referral ', 'an NRM referral ')}`
          }
          if (Object.keys(errors).length) throw new NrmDraftInvalid(errors)
          completed = [...completed, input.section]
        }
        const next = { answers, completed }
        let version: number
        if (row) {
          if (!(await repo.updateNrmDraft(trx, row.id, row.version, next, user.id)))
            throw new NrmError(
              'conflict',
              'Someone else saved this NRM draft at the same moment. Your answers are still on this page: save again.',
              'version',
            )
          version = row.version + 1
        } else {
          if (
            !(await repo.insertNrmDraft(trx, {
              id: uuidv7(),
              referral_id: referralId,
              person_id: personId,
              data: next,
              created_by: user.id,
            }))
          ) {
            throw new NrmError(
              'conflict',
              'Someone else started this NRM draft at the same moment. Your answers are still on this page: save again.',
              'version',
            )
          }
          version = 1
        }
        await appendAuditEvents(trx, actor, [
          {
            action: 'nrm.draft-saved',
            subjectType: 'person',
            subjectId: personId,
            details: { referralId, version, section: input.section ?? null, complete: input.complete ?? null, changed },
          },
        ])
        return { version }
      })
    },
  }
}

export type NrmDraftService = ReturnType<typeof createNrmDraftService>
export type NrmDraftView = Awaited<ReturnType<NrmDraftService['view']>>
