import { describe, expect, it } from 'vitest'
import { DEFAULT_LANGUAGE, loadLanguages, translator } from './i18n.ts'

const languages = loadLanguages()
const english = languages.get(DEFAULT_LANGUAGE)!.messages
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('the public pages’ message files', () => {
  it('offers English and Welsh, found from the files alone', () => {
    expect([...languages.keys()]).toEqual(expect.arrayContaining(['en', 'cy']))
    expect(languages.get('cy')!.name).toBe('Cymraeg')
  })

  it.each([...languages.values()].filter((l) => l.code !== DEFAULT_LANGUAGE).map((l) => [l.code, l] as const))('%s has every English key, no others, and the same placeholders', (_code, language) => {
    expect(Object.keys(language.messages).sort()).toEqual(Object.keys(english).sort())
    for (const [key, text] of Object.entries(english)) expect(placeholders(language.messages[key]), key).toEqual(placeholders(text))
  })

  it('marks every translation for review by a translator, so it is not published unchecked', () => {
    for (const language of languages.values()) if (language.code !== DEFAULT_LANGUAGE) expect(language.messages['_meta.review']).toMatch(/needs-translator-review|reviewed/)
  })

  it('fills placeholders and falls back to English for a key a language lacks', () => {
    const t = translator(new Map([...languages, ['xx', { code: 'xx', name: 'Test', messages: {} }]]), 'xx')
    expect(t('what.error.tooLong', { max: 4000 })).toBe('What you saw or heard must be 4000 characters or fewer')
  })
})
