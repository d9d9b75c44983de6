/**
 * Every permission Lantern checks. Roles are data (the `roles` table) holding lists of these;
 * code asks "may this user do X?", never "is this user a supervisor?".
 */
export const PERMISSIONS = {
  'referral:view': 'See referrals and the triage queue',
  'referral:create': 'Record a referral',
  'referral:update': 'Change a referral’s status',
  'referral:assign': 'Assign a referral to an officer',
  'screening:assess': 'Use screening decision support (route, offences, s45)',
  'victim-facet:view': 'See a person’s victim information: screening, consent and NRM status',
  'victim-facet:edit': 'Record screening outcomes, consent, NRM and Duty to Notify steps',
  'safeguarding-plan:edit':
    'Work the safeguarding plan and support of victims one has a duty to (their officers, and the ISA assigned to them)',
  'support-service:manage':
    'Keep the directory of support services up to date (housing, legal advice, health, counselling, victim care)',
  'team:supervise': 'See the whole team’s work and deadlines, not only one’s own',
  'person:view': 'See people, their names, documents, contacts and links',
  'person:edit': 'Add and change people, their documents, contacts and links',
  'immigration-status:view': 'See a person’s immigration status, stating why (every view is audited)',
  'immigration-status:edit': 'Record a person’s immigration status',
  'case:view': 'See live jobs (cases) and operations',
  'case:edit': 'Open and work live jobs: people, places, objects, tasks, events',
  'case:supervise': 'Write decision-log entries; see restricted cases',
  'search:use': 'Search people, phones, vehicles, postcodes and references',
  'user:manage': 'Create, disable and re-enable users; manage API tokens',
  'settings:manage': 'Change configurable lists such as strategic priorities',
  'audit:view': 'Read the audit log',
  'partner:view':
    'See the partner directory: agencies, their contacts, and who is a first responder or Duty to Notify authority',
  'partner:manage': 'Change the partner directory',
  'agreement:manage': 'Record and change information-sharing agreements',
  'disclosure:make': 'Share the minimum fields of a person’s record with a partner agency under an agreement',
  'disclosure:approve': 'Approve sharing victim information or immigration status, recording the lawful basis',
  'partner-portal:use': 'Partner users: see what has been disclosed to their own agency, while it is live',
  'outreach:view': 'See awareness events, training inputs, their materials and their impact on referrals',
  'outreach:manage': 'Record awareness events and training inputs, upload materials and add feedback',
  'safeguarding-action:update-own':
    'Partner users: see and update the safeguarding actions their own agency owns (shown by plan reference only)',
  'safeguarding-meeting:manage': 'Run safeguarding hub meetings: agenda, attendees, decisions, actions and minutes',
  'match:review': 'See possible duplicate people, confirm (merge) or reject a match, and unmerge',
  'intelligence:view': 'See shared-identifier safeguarding prompts, others who may be targeted and link charts',
  'safeguarding-prompt:review': 'Record the outcome of a shared-identifier safeguarding prompt',
  'shared-place:manage':
    'Mark a place as a known shared place (police station, NRM support provider, hostel, solicitor)',
  'import:run':
    'Import referrals and people from a helpline or partner export (CSV or XLSX) and decide its likely duplicates',
  'insight:anonymised-export':
    'Release the anonymised victim-level export (CTDC shape) once its k-anonymity check has run',
  'insight:view':
    'See the team’s figures (referrals, NRM outcomes, Duty to Notify, live jobs, outreach), download them, and produce the Home Office quarterly return',
  'retention:review':
    'Records management: see the retention review queue and schedules; retain, erase, or place and lift legal holds',
  'subject-access:export':
    'Data protection: export everything held about a person (PDF and JSON) with third-party data redacted for review',
  'metrics:view':
    'Operators: read the service metrics at /metrics (requests, latency, database pool, import queue) with an API token',
} as const

export type Permission = keyof typeof PERMISSIONS

/**
 * What a route requires. `public`: anyone, signed in or not. `signed-in`: any signed-in user.
 * Anything else is a permission. Every route declares one; a route without one fails at start-up.
 */
export type RouteAccess = 'public' | 'signed-in' | Permission

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value)
}

export type CurrentUser = {
  id: string
  email: string
  displayName: string
  roleId: string
  roleName: string
  permissions: ReadonlySet<Permission>
}

export function can(user: CurrentUser | null | undefined, permission: Permission): boolean {
  return user?.permissions.has(permission) ?? false
}
