/**
 * Every audited action, with its DPA 2018 s62 category. Adding an action here is reviewed like code:
 * the name is what a DPO reads in the audit log.
 */
export const AUDIT_ACTIONS = {
  'auth.signed-in': 'security',
  'auth.sign-in-failed': 'security',
  'auth.account-locked': 'security',
  'auth.signed-out': 'security',
  'auth.session-revoked': 'security',
  'auth.token-rejected': 'security',
  'auth.mfa-enrolled': 'security',
  'auth.mfa-recovery-code-used': 'security',
  'auth.mfa-reset': 'security',
  'auth.password-changed': 'security',
  'user.role-changed': 'alteration',
  'user.unlocked': 'alteration',
  'user.created': 'collection',
  'user.disabled': 'alteration',
  'user.enabled': 'alteration',
  'api-token.created': 'collection',
  'api-token.revoked': 'alteration',
  'referral.created': 'collection',
  'referral.viewed': 'consultation',
  'referral.searched': 'consultation',
  'referral.status-changed': 'alteration',
  'referral.assigned': 'alteration',
  'referral.graded': 'alteration',
  // Crime and occurrence references on a referral, a live job or an NRM referral (issue 14, section 2).
  'occurrence-reference.added': 'collection',
  'occurrence-reference.removed': 'alteration',
  'audit.viewed': 'consultation',
  'demo.loaded': 'collection',
  'settings.priority-added': 'collection',
  'screening.started': 'collection',
  'screening.confirmed': 'alteration',
  'screening-group.started': 'collection',
  'screening-group.viewed': 'consultation',
  'screening-group.shared-facts-saved': 'alteration',
  'consent.recorded': 'collection',
  'victim-facet.viewed': 'consultation',
  'nrm.submitted': 'collection',
  'nrm.event-recorded': 'alteration',
  'nrm.draft-viewed': 'consultation',
  'nrm.draft-saved': 'alteration',
  'dtn.submitted': 'disclosure',
  'document.downloaded': 'disclosure',
  'work.viewed': 'consultation',
  'person.viewed': 'consultation',
  'person.created': 'collection',
  'person.updated': 'alteration',
  'immigration-status.viewed': 'consultation',
  'immigration-status.recorded': 'alteration',
  'case.opened': 'collection',
  'case.viewed': 'consultation',
  'case.updated': 'alteration',
  'case.events-viewed': 'consultation',
  'case.decision-recorded': 'collection',
  // Access given or taken away by duty (ADR 0009): shown to the DPO as access changes.
  'case.member-added': 'alteration',
  'case.member-removed': 'alteration',
  'case.person-removed': 'alteration',
  'person.support-worker-assigned': 'alteration',
  'person.support-worker-ended': 'alteration',
  // The ISA's support work (issue 15, section 2): part of the victim side.
  'support.viewed': 'consultation',
  'support-contact.recorded': 'collection',
  'support-referral.made': 'collection',
  'support-referral.updated': 'alteration',
  'support-service.added': 'collection',
  'support-service.changed': 'alteration',
  'operation.created': 'collection',
  'place.recorded': 'collection',
  'partner.agency-created': 'collection',
  'partner.agency-updated': 'alteration',
  'partner.contact-changed': 'alteration',
  'agreement.recorded': 'collection',
  'disclosure.made': 'disclosure',
  'disclosure.requested': 'collection',
  'disclosure.approved': 'disclosure',
  'disclosure.revoked': 'alteration',
  'disclosure.viewed': 'consultation',
  'audit.read': 'consultation',
  'search.performed': 'consultation',
  'settings.priority-changed': 'alteration',
  'outreach.event-recorded': 'collection',
  'outreach.material-uploaded': 'collection',
  'outreach.material-downloaded': 'consultation',
  'outreach.feedback-added': 'collection',
  'public-report.submitted': 'collection',
  // Structured victim and perpetrator context (issue 15): part of the victim side, so every view is audited too.
  'victim-context.viewed': 'consultation',
  'victim-context.recorded': 'collection',
  'victim-context.updated': 'alteration',
  'victim-context.removed': 'erasure',
  'safeguarding-plan.viewed': 'consultation',
  'safeguarding-plan.created': 'collection',
  'safeguarding-plan.updated': 'alteration',
  'safeguarding-action.updated': 'alteration',
  'safeguarding-action.listed': 'consultation',
  'hub-meeting.created': 'collection',
  'hub-meeting.viewed': 'consultation',
  'hub-meeting.updated': 'alteration',
  'hub-meeting.minutes-downloaded': 'disclosure',
  'person.matches-viewed': 'consultation',
  'person.match-compared': 'consultation',
  'person.match-rejected': 'collection',
  'person.merged': 'combination',
  'person.unmerged': 'alteration',
  'safeguarding-prompt.raised': 'collection',
  'safeguarding-prompt.listed': 'consultation',
  'safeguarding-prompt.viewed': 'consultation',
  'safeguarding-prompt.outcome-recorded': 'alteration',
  'intelligence.others-viewed': 'consultation',
  'intelligence.network-viewed': 'consultation',
  'place.shared-place-changed': 'alteration',
  'import.uploaded': 'collection',
  'import.mapped': 'collection',
  'import.started': 'collection',
  'import.batch-processed': 'collection',
  'import.row-decided': 'collection',
  'import.viewed': 'consultation',
  'import.failures-downloaded': 'consultation',
  'statistics.exported': 'disclosure',
  'insight.sources-viewed': 'consultation',
  'insight.partner-figures-viewed': 'consultation',
  'insight.partner-figures-exported': 'disclosure',
  'insight.anonymised-export-previewed': 'consultation',
  'insight.anonymised-exported': 'disclosure',
  'retention.queue-viewed': 'consultation',
  'retention.record-viewed': 'consultation',
  'retention.record-retained': 'alteration',
  'retention.hold-placed': 'alteration',
  'retention.hold-lifted': 'alteration',
  'retention.schedule-changed': 'alteration',
  'retention.schedule-confirmed': 'alteration',
  'retention.record-erased': 'erasure',
  'person.erased': 'erasure',
  'audit.redacted': 'erasure',
  'subject-access.viewed': 'consultation',
  'subject-access.exported': 'disclosure',
} as const

export type AuditAction = keyof typeof AUDIT_ACTIONS
export type AuditCategory = (typeof AUDIT_ACTIONS)[AuditAction]

/** Who did something, from where: carried from the request into every service call that writes audit. */
export type Actor = {
  userId: string | null
  tokenId?: string | null
  ip?: string | null
  requestId?: string | null
}

export const SYSTEM_ACTOR: Actor = { userId: null, tokenId: null, ip: null, requestId: null }

export type AuditEventInput = {
  action: AuditAction
  subjectType?: string | null
  subjectId?: string | null
  justification?: string | null
  /** Identifiers and field names only: never personal data, so erasure of a person leaves the chain intact. */
  details?: Record<string, unknown>
}
