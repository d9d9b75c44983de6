import type { Permission } from '#src/platform/auth/permissions.ts'
import type { Redaction } from './redactor.ts'

/** A subject access bundle, the one shape the service builds and the JSON and PDF copies are made from. */
export type Entry = { title: string; fields: [string, string][] }
export type Section = { key: string; title: string; entries: Entry[] }

/** A part of the record left out because the exporter may not see it, for a holder of `needs` to complete. */
export type Withheld = { section: string; part: string; needs: Permission }

export type Bundle = {
  format: 'lantern-subject-access/1'
  generatedAt: string
  requestReference: string
  personId: string
  subjectName: string
  notice: string
  sections: Section[]
  redactions: Redaction[]
  withheld: Withheld[]
}
