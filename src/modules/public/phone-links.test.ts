import { describe, expect, it } from 'vitest'
import { phoneLinks } from './phone-links.ts'

describe('phone numbers on public pages', () => {
  it('makes 999 and the helpline tappable in an English sentence', () => {
    expect(phoneLinks('If someone is in immediate danger, call 999 now.')).toBe('If someone is in immediate danger, call <a class="govuk-link" href="tel:999">999</a> now.')
    expect(phoneLinks('call the helpline on 08000 121 700, free')).toBe('call the helpline on <a class="govuk-link" href="tel:+448000121700">08000 121 700</a>, free')
  })

  it('makes the emergency SMS line an sms: link, and finds numbers in a Welsh sentence', () => {
    expect(phoneLinks('anfonwch neges destun i 999 os ydych wedi cofrestru', 'text')).toContain('<a class="govuk-link" href="sms:999">999</a>')
    expect(phoneLinks('ar 08000 121 700, am ddim')).toContain('href="tel:+448000121700"')
  })

  it('escapes everything else and leaves other numbers alone', () => {
    expect(phoneLinks('Tom & <b>Jerry</b> 9990 1999')).toBe('Tom &amp; &lt;b&gt;Jerry&lt;/b&gt; 9990 1999')
  })
})
