import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common'

/**
 * Password rules after the NCSC's guidance for system owners: a minimum length and room for long passphrases,
 * a deny list of common passwords and of words tied to this service and this user, and nothing else: no rules
 * about mixing character types and no forced expiry (both push people to weaker, predictable passwords).
 */
export const PASSWORD_MIN_LENGTH = 12
export const PASSWORD_MAX_LENGTH = 256
const SERVICE_WORDS = ['lantern', 'msht', 'modernslavery', 'trafficking', 'police']

let common: Set<string> | undefined
let estimator: ZxcvbnFactory | undefined

function commonPasswords(): Set<string> {
  common ??= new Set(dictionary['passwords-common'])
  return common
}

function strength(): ZxcvbnFactory {
  // Building the ranked dictionaries takes ~100 ms: once per process, on first use.
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs })
  return estimator
}

export type PasswordContext = { email?: string; displayName?: string }

/** The words a password must not be built on: the service's name and the user's own email and name. */
function contextWords(context: PasswordContext): string[] {
  const words = new Set(SERVICE_WORDS)
  const email = context.email?.toLowerCase() ?? ''
  const [local = '', domain = ''] = email.split('@')
  for (const part of [local, ...local.split(/[._+-]/), ...domain.split('.')]) if (part.length >= 3) words.add(part)
  for (const part of (context.displayName ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u))
    if (part.length >= 3) words.add(part)
  return [...words]
}

/** Counts characters as a person does (an emoji or an accented letter is one), after Unicode normalisation. */
export function passwordLength(password: string): number {
  return [...password.normalize('NFKC')].length
}

/**
 * The problem with a proposed password, in GOV.UK error-message style, or null if it is acceptable.
 * The field is "Password" unless the caller names it (e.g. "New password").
 */
export function passwordProblem(password: string, context: PasswordContext = {}, field = 'Password'): string | null {
  const length = passwordLength(password)
  if (length === 0) return `Enter a ${field.toLowerCase()}`
  if (length < PASSWORD_MIN_LENGTH) return `${field} must be ${PASSWORD_MIN_LENGTH} characters or more`
  if (length > PASSWORD_MAX_LENGTH) return `${field} must be ${PASSWORD_MAX_LENGTH} characters or fewer`
  const lower = password.normalize('NFKC').toLowerCase()
  const bare = lower.replace(/[^\p{L}\p{N}]/gu, '')
  const list = commonPasswords()
  // Common passwords, also with the digits and symbols people pad them with ("password123456!").
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')
  if (list.has(lower) || list.has(bare) || (core.length >= 4 && list.has(core))) {
    return `${field} is too common: choose one that is not on lists of commonly used passwords, for example three random words`
  }
  const words = contextWords(context)
  let rest = bare
  for (const word of words.sort((a, b) => b.length - a.length)) rest = rest.split(word).join('')
  if (rest.length < bare.length && rest.replace(/\p{N}/gu, '').length < 6) {
    return `${field} must not be based on the name of this service or your email address or name`
  }
  const result = strength().check(password.normalize('NFKC').slice(0, 100), words)
  if (result.score < 3)
    return `${field} is too easy to guess: avoid repeated characters, sequences like 12345 or qwerty, and common words with numbers added. Three random words work well`
  return null
}
