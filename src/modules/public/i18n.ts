import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '#src/platform/paths.ts'

/**
 * The public pages' words, one JSON file per language in ./messages (named by its language code, like
 * `cy.json`). Adding a language is adding a file: it is found at start-up and offered in the language toggle.
 * A key missing from a language falls back to English, so a partial translation never shows a blank.
 */
export type Messages = Record<string, string>
export type Language = { code: string; name: string; messages: Messages }
export type Translate = (key: string, params?: Record<string, string | number>) => string

export const DEFAULT_LANGUAGE = 'en'
export const MESSAGES_DIR = join(ROOT, 'src/modules/public/messages')

export function loadLanguages(dir = MESSAGES_DIR): Map<string, Language> {
  const languages = new Map<string, Language>()
  for (const file of readdirSync(dir).filter((f) => /^[a-z]{2,3}(-[A-Za-z]{2,4})?\.json$/.test(f)).sort()) {
    const code = file.replace(/\.json$/, '')
    const messages = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Messages
    languages.set(code, { code, name: messages['_meta.language'] ?? code, messages })
  }
  if (!languages.has(DEFAULT_LANGUAGE)) throw new Error(`The public pages need ${DEFAULT_LANGUAGE}.json in ${dir}`)
  return languages
}

export function translator(languages: Map<string, Language>, code: string): Translate {
  const own = languages.get(code)?.messages ?? {}
  const fallback = languages.get(DEFAULT_LANGUAGE)!.messages
  return (key, params = {}) => {
    const text = own[key] ?? fallback[key] ?? key
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
  }
}
