/**
 * The indicator checklist, grouped as the statutory guidance groups them (DOMAIN.md section 5): general
 * indicators (physical, psychological, situational, environmental) and indicators by exploitation type.
 * Decision support only: no single indicator proves modern slavery and no minimum number is required.
 */
export type IndicatorGroup = { id: string; title: string; items: { id: string; text: string }[] }

export const INDICATOR_GROUPS: readonly IndicatorGroup[] = [
  {
    id: 'physical',
    title: 'Physical',
    items: [
      { id: 'untreated-injuries', text: 'Untreated or old injuries' },
      { id: 'malnourished', text: 'Malnourished or unkempt' },
      { id: 'wrong-clothing', text: 'Wrong clothing or no safety equipment for the work' },
      { id: 'ownership-marks', text: 'Tattoos or marks suggesting “ownership”' },
      { id: 'exhausted', text: 'Exhausted' },
    ],
  },
  {
    id: 'psychological',
    title: 'Psychological',
    items: [
      { id: 'fearful', text: 'Fearful, anxious or withdrawn; avoids eye contact' },
      { id: 'fear-of-authorities', text: 'Afraid of police, authorities or deportation' },
      { id: 'scripted-account', text: 'A scripted or borrowed account' },
      { id: 'trauma', text: 'Signs of trauma: hard to recall, inconsistent detail, hostility' },
      { id: 'not-a-victim', text: 'Does not see themselves as a victim' },
      { id: 'bonded-to-exploiter', text: 'A child bonded to or groomed by the exploiter' },
    ],
  },
  {
    id: 'situational',
    title: 'Situational',
    items: [
      { id: 'no-documents', text: 'Does not control their identity or travel documents' },
      { id: 'someone-speaks-for-them', text: 'Someone else speaks for them' },
      { id: 'little-freedom', text: 'Little freedom of movement' },
      { id: 'dropped-and-collected', text: 'Dropped off and collected at unusual times' },
      { id: 'unknown-address', text: 'Does not know their home or work address' },
      { id: 'debt', text: 'A debt to an employer or recruiter, real or perceived' },
      { id: 'little-pay', text: 'Little or no pay, wages withheld or heavy deductions' },
      { id: 'dependent-on-employer', text: 'Depends on the “employer” for work, transport and housing' },
      { id: 'threats', text: 'Threats against them or their family' },
      { id: 'ritual-oath', text: 'Control through juju, witchcraft or another ritual oath' },
    ],
  },
  {
    id: 'environmental',
    title: 'Environmental',
    items: [
      { id: 'overcrowded', text: 'Overcrowded, dirty or sparse housing' },
      { id: 'lives-at-work', text: 'Lives at the workplace' },
      { id: 'hot-bunking', text: 'Shift workers sharing beds (“hot bunking”)' },
      { id: 'barred-windows', text: 'Blacked-out or barred windows' },
      { id: 'many-visitors', text: 'Many people coming and going, or many new residents suddenly' },
      {
        id: 'linked-location',
        text: 'A place linked to exploitation (car wash, nail bar, brothel, cannabis grow, factory, farm, construction site)',
      },
    ],
  },
  {
    id: 'sexual',
    title: 'Sexual exploitation',
    items: [
      { id: 'moved-between-addresses', text: 'Moved between addresses or hotels' },
      { id: 'adverts-by-others', text: 'Adverts placed by others' },
      { id: 'controlled-phone', text: 'Phone controlled by someone else' },
      { id: 'many-male-visitors', text: 'Many male visitors for short stays' },
      { id: 'under-age-appearance', text: 'Looks under age' },
    ],
  },
  {
    id: 'labour',
    title: 'Labour exploitation',
    items: [
      { id: 'ilo-harm-or-threats', text: 'Physical harm or threats' },
      { id: 'ilo-confinement', text: 'Restricted movement or confinement' },
      { id: 'ilo-debt-bondage', text: 'Debt bondage' },
      { id: 'ilo-withheld-wages', text: 'Wages withheld or excessive deductions' },
      { id: 'ilo-retained-documents', text: 'Passport or ID kept by someone else' },
      { id: 'ilo-denunciation', text: 'Threat of being reported to the authorities' },
      { id: 'excessive-hours', text: 'Excessive hours; transport provided by the employer' },
    ],
  },
  {
    id: 'criminal',
    title: 'Criminal exploitation',
    items: [
      { id: 'missing-episodes', text: 'Missing episodes, or missing from care' },
      { id: 'unexplained-money', text: 'Unexplained money, phones or clothes' },
      { id: 'far-from-home', text: 'Found far from home' },
      { id: 'drugs-or-theft', text: 'Involved in drugs, cannabis grows, shoplifting or begging' },
      { id: 'cuckooing', text: 'More visitors at a home (cuckooing)' },
    ],
  },
  {
    id: 'domestic-servitude',
    title: 'Domestic servitude',
    items: [
      { id: 'lives-with-employer', text: 'Lives in the employer’s or family’s home' },
      { id: 'no-time-off', text: 'No time off and no privacy' },
      { id: 'inappropriate-sleeping', text: 'Sleeps in shared or unsuitable space' },
      { id: 'not-allowed-out', text: 'Not allowed out alone' },
      { id: 'kept-out-of-school', text: 'A child kept out of school' },
    ],
  },
  {
    id: 'organ-harvesting',
    title: 'Organ harvesting',
    items: [
      { id: 'payment-for-donation', text: 'Offered payment for “donation”' },
      { id: 'medical-travel', text: 'Travel abroad for “medical” reasons' },
      { id: 'surgical-scars', text: 'Unexplained surgical scars' },
    ],
  },
]

const ALL = new Map(INDICATOR_GROUPS.flatMap((g) => g.items.map((i) => [i.id, { ...i, group: g.title }])))

export function isIndicator(id: string): boolean {
  return ALL.has(id)
}

export function describeIndicator(id: string): string {
  const item = ALL.get(id)
  return item ? `${item.text} (${item.group.toLowerCase()})` : id
}
