import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Db } from '#src/platform/db/database.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { ReferralService } from '#src/modules/referrals/index.ts'
import type { OutreachService } from '#src/modules/outreach/index.ts'
import { NewReferralInput } from '#src/modules/referrals/index.ts'
import { isUuid } from '#src/shared/ids.ts'
import { firstMissingPage, reportToReferral, type ReportDraft } from './public-report.form.ts'
import * as repo from './public-report.repository.ts'

/** An unfinished public report is deleted after this long: an abandoned report is not kept. */
export const DRAFT_HOURS = 4

export type SubmitResult =
  | { kind: 'saved'; reference: string; duplicate: boolean }
  | { kind: 'expired' }
  | { kind: 'incomplete' }

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

class AlreadySubmitted extends Error {}

/**
 * The public "report a concern" service. A report in progress is held in the database under the hash of a
 * random token that only the reporter's cookie carries; the finished report becomes a public-concern referral
 * in the triage queue, committed before the reporter is told it was saved.
 */
export function createPublicReportService(db: Db, referrals: ReferralService, outreach: OutreachService) {
  return {
    draftHours: DRAFT_HOURS,

    /**
     * Starts a report: returns the token for the reporter's cookie. Old abandoned reports are swept first. `ref` is
     * the outreach code they came through, kept with the draft when an event has it.
     */
    async start(ref?: string): Promise<string> {
      await repo.sweepDrafts(db, DRAFT_HOURS)
      const token = randomBytes(32).toString('base64url')
      const event = ref ? await outreach.eventByRefCode(ref) : null
      await repo.insertDraft(db, hashToken(token), randomUUID(), event ? { ref: event.refCode } : {})
      return token
    },

    async get(token: string | undefined): Promise<{ draft: ReportDraft; idempotencyKey: string } | null> {
      if (!token || token.length > 100) return null
      const row = await repo.findDraft(db, hashToken(token), DRAFT_HOURS)
      return row ? { draft: row.data as ReportDraft, idempotencyKey: row.idempotency_key } : null
    },

    async save(token: string, draft: ReportDraft): Promise<boolean> {
      return repo.saveDraft(db, hashToken(token), draft)
    },

    /**
     * Turns the report into a referral. Idempotent on the key the check page carries: a double click or a
     * retry after a lost reply finds the referral already made and gets the same reference.
     */
    async submit(token: string | undefined, formKey: string, options: { language: string; languageName: string }, actor: Actor): Promise<SubmitResult> {
      if (isUuid(formKey)) {
        const earlier = await repo.findSubmission(db, formKey)
        if (earlier) return { kind: 'saved', reference: earlier.reference, duplicate: true }
      }
      const current = await this.get(token)
      if (!current) return { kind: 'expired' }
      const draft = current.draft
      if (firstMissingPage(draft) !== null) return { kind: 'incomplete' }
      const key = current.idempotencyKey
      const event = draft.ref ? await outreach.eventByRefCode(draft.ref) : null
      const input = NewReferralInput.parse(reportToReferral(draft as Required<ReportDraft>, { ...options, receivedAt: new Date(), refCode: event?.refCode ?? null }))
      const attribution = { outreachEventId: event?.id ?? null, heardVia: draft.contact?.heardVia || null, placeKind: draft.where?.placeKind || null }
      try {
        const created = await referrals.create(input, actor, {
          within: async (trx, created) => {
            if (!(await repo.claimSubmission(trx, key, created.id, attribution))) throw new AlreadySubmitted()
            // The reporter's words now live on the referral only: the draft goes in the same transaction.
            await repo.deleteDraft(trx, hashToken(token!))
            await appendAuditEvents(trx, actor, [{ action: 'public-report.submitted', subjectType: 'referral', subjectId: created.id, details: { language: options.language, outreachEventId: attribution.outreachEventId } }])
          },
        })
        return { kind: 'saved', reference: created.reference, duplicate: false }
      } catch (error) {
        if (!(error instanceof AlreadySubmitted)) throw error
        const earlier = await repo.findSubmission(db, key)
        if (!earlier) throw error
        return { kind: 'saved', reference: earlier.reference, duplicate: true }
      }
    },
  }
}

export type PublicReportService = ReturnType<typeof createPublicReportService>
