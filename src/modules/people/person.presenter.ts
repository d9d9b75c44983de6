import { ageOn, formatDate, londonDate } from '#src/shared/dates.ts'

/** "Born 3 May 2009 (age 17), age disputed", "About 16", "Not known": a person's age as every page shows it. */
export function describeAge(subject: {
  date_of_birth: string | null
  approximate_age: number | null
  age_disputed: boolean
}): string {
  const parts: string[] = []
  if (subject.date_of_birth)
    parts.push(`Born ${formatDate(subject.date_of_birth)} (age ${ageOn(subject.date_of_birth, londonDate())})`)
  else if (subject.approximate_age !== null) parts.push(`About ${subject.approximate_age}`)
  else parts.push('Not known')
  if (subject.age_disputed) parts.push('age disputed')
  return parts.join(', ')
}
