import type { Config } from '#src/platform/config/config.ts'
import type { Db } from '#src/platform/db/database.ts'
import { createAuthService } from '#src/platform/auth/auth.service.ts'
import { createUserAdminService } from '#src/platform/auth/user-admin.service.ts'
import { createReferralService } from '#src/modules/referrals/referral.service.ts'
import { createPriorityService } from '#src/modules/priorities/index.ts'
import { createScreeningRules, createScreeningService } from '#src/modules/screening/screening.service.ts'
import { createScreeningGroupService } from '#src/modules/screening/screening-groups.service.ts'
import { createNrmService } from '#src/modules/nrm/nrm.service.ts'
import { refreshUrgencyForPerson } from '#src/modules/referrals/index.ts'
import { createPersonService } from '#src/modules/people/person.service.ts'
import { createSupportWorkerService } from '#src/modules/people/support-workers.service.ts'
import { createCaseService } from '#src/modules/cases/case.service.ts'
import { createSearchService } from '#src/modules/search/search.service.ts'
import { createPartnerService } from '#src/modules/partners/partner.service.ts'
import { createDisclosureService } from '#src/modules/disclosures/disclosure.service.ts'
import { createDpoService } from '#src/modules/dpo/dpo.service.ts'
import { createSafeguardingService } from '#src/modules/safeguarding/safeguarding.service.ts'
import { createOutreachService } from '#src/modules/outreach/index.ts'
import { createPublicReportService } from '#src/modules/public/public-report.service.ts'
import { createIntelligenceService } from '#src/modules/intelligence/intelligence.service.ts'
import { createMatchingService } from '#src/modules/matching/matching.service.ts'
import { createImportService } from '#src/modules/imports/imports.service.ts'
import { createStatisticsService } from '#src/modules/insight/index.ts'
import { createSourcesService } from '#src/modules/insight/sources.service.ts'
import { createRetentionService } from '#src/modules/retention/retention.service.ts'
import { createSubjectAccessService } from '#src/modules/subject-access/subject-access.service.ts'
import { createOccurrenceReferenceService } from '#src/modules/occurrence-references/index.ts'

/** Builds the services from their dependencies: no framework, typed by what it returns. */
export function createServices(db: Db, config: Config) {
  const screeningRules = createScreeningRules()
  const referrals = createReferralService(db, { triageSlaHours: config.triageSlaHours })
  const people = createPersonService(db, { ageChanged: refreshUrgencyForPerson })
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
    supportWorkers: createSupportWorkerService(db),
    cases: createCaseService(db),
    search: createSearchService(db),
    partners: createPartnerService(db),
    disclosures: createDisclosureService(db),
    dpo: createDpoService(db),
    outreach: createOutreachService(db),
    safeguarding: createSafeguardingService(db, { agendaReferralDays: config.hubAgendaReferralDays }),
    publicReports: createPublicReportService(db, referrals),
    intelligence: createIntelligenceService(db),
    matching,
    imports: createImportService(db, { referrals, people, matching, matchThreshold: config.importMatchThreshold }),
    statistics: createStatisticsService(db),
    sources: createSourcesService(db, { suppressionThreshold: config.suppressionThreshold, anonymisationK: config.anonymisationK }),
    retention: createRetentionService(db),
    subjectAccess: createSubjectAccessService(db),
    references: createOccurrenceReferenceService(db),
  }
}

export type Services = ReturnType<typeof createServices>
