import type { Config } from '#src/platform/config/config.ts'
import type { Db } from '#src/platform/db/database.ts'
import type { DestinationStream } from 'pino'
import { createAuthService } from '#src/platform/auth/auth.service.ts'
import { createUserAdminService } from '#src/platform/auth/user-admin.service.ts'
import { createReferralService } from '#src/modules/referrals/index.ts'
import { createPriorityService } from '#src/modules/priorities/index.ts'
import { createScreeningRules, createScreeningService } from '#src/modules/screening/index.ts'
import { createScreeningGroupService } from '#src/modules/screening/index.ts'
import { createNrmService } from '#src/modules/nrm/index.ts'
import { refreshUrgencyForPerson } from '#src/modules/referrals/index.ts'
import { raiseSharedIdentifierPrompts } from '#src/modules/intelligence/index.ts'
import { createPersonService } from '#src/modules/people/index.ts'
import { createSupportWorkerService } from '#src/modules/people/index.ts'
import { createPlaceService } from '#src/modules/people/index.ts'
import { createCaseService } from '#src/modules/cases/index.ts'
import { createSearchService } from '#src/modules/search/index.ts'
import { createPartnerService } from '#src/modules/partners/index.ts'
import { createDisclosureService } from '#src/modules/disclosures/index.ts'
import { createDpoService } from '#src/modules/dpo/index.ts'
import { createSafeguardingService } from '#src/modules/safeguarding/index.ts'
import { createSupportService } from '#src/modules/support/index.ts'
import { createOutreachService } from '#src/modules/outreach/index.ts'
import { createPublicReportService } from '#src/modules/public/index.ts'
import { createIntelligenceService } from '#src/modules/intelligence/index.ts'
import { createMatchingService } from '#src/modules/matching/index.ts'
import { createImportService } from '#src/modules/imports/index.ts'
import { createStatisticsService } from '#src/modules/insight/index.ts'
import { createSourcesService } from '#src/modules/insight/index.ts'
import { createProblemProfileService } from '#src/modules/insight/index.ts'
import { createRetentionService } from '#src/modules/retention/index.ts'
import { createSubjectAccessService } from '#src/modules/subject-access/index.ts'
import { createOccurrenceReferenceService } from '#src/modules/occurrence-references/index.ts'
import { createVictimContextService } from '#src/modules/victim-context/index.ts'

/** Builds the services from their dependencies: no framework, typed by what it returns. */
export function createServices(db: Db, config: Config) {
  const screeningRules = createScreeningRules()
  const referrals = createReferralService(db, { triageSlaHours: config.triageSlaHours })
  const outreach = createOutreachService(db)
  const people = createPersonService(db, { ageChanged: refreshUrgencyForPerson, linked: raiseSharedIdentifierPrompts })
  const matching = createMatchingService(db)
  const screening = createScreeningService(db, screeningRules)
  return {
    auth: createAuthService(db, config),
    userAdmin: createUserAdminService(db),
    referrals,
    priorities: createPriorityService(db),
    screening,
    screeningGroups: createScreeningGroupService(db, { referrals, screening }),
    nrm: createNrmService(db, screeningRules),
    people,
    places: createPlaceService(db),
    supportWorkers: createSupportWorkerService(db),
    cases: createCaseService(db),
    search: createSearchService(db),
    partners: createPartnerService(db),
    disclosures: createDisclosureService(db),
    dpo: createDpoService(db),
    outreach,
    safeguarding: createSafeguardingService(db, { agendaReferralDays: config.hubAgendaReferralDays }),
    support: createSupportService(db, { followUpDays: config.supportReferralFollowUpDays }),
    publicReports: createPublicReportService(db, referrals, outreach),
    intelligence: createIntelligenceService(db),
    matching,
    imports: createImportService(db, { referrals, people, matching, matchThreshold: config.importMatchThreshold }),
    statistics: createStatisticsService(db),
    sources: createSourcesService(db, {
      suppressionThreshold: config.suppressionThreshold,
      anonymisationK: config.anonymisationK,
    }),
    problemProfile: createProblemProfileService(db, { suppressionThreshold: config.suppressionThreshold, outreach }),
    retention: createRetentionService(db),
    subjectAccess: createSubjectAccessService(db),
    references: createOccurrenceReferenceService(db),
    victimContext: createVictimContextService(db),
  }
}

export type Services = ReturnType<typeof createServices>

/** What the app is built from: every route file is given these (createApp in app.ts). */
export type AppDeps = {
  config: Config
  db: Db
  services: Services
  /** Whether the database holds the synthetic demo: pages then say so on every screen. */
  isDemo: () => boolean
  logger?: boolean | object
  /** Where the structured log goes (standard output when absent); the log-redaction test captures it. */
  logStream?: DestinationStream
}
