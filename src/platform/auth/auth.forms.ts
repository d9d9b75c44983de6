import { z } from 'zod'
import { asArray, asString } from '#src/platform/http/forms.ts'
import { field, requiredText } from '#src/platform/http/page-forms.ts'
import { PASSWORD_MAX_LENGTH, passwordProblem } from './password-policy.ts'
import { isPermission } from './permissions.ts'

/**
 * The account and user administration forms, one schema each, read from the urlencoded body. Field keys are the
 * page's input ids, so each error links to its field; messages are the pages' own. Passwords are read as typed
 * (never trimmed).
 */

const password = z.preprocess(asString, z.string())

/** Change your password. The policy itself is the auth service's; this is what stops the change before it. */
export const PasswordChangeForm = z
  .object({ currentPassword: password, newPassword: password, confirmPassword: password })
  .superRefine(({ currentPassword, newPassword, confirmPassword }, ctx) => {
    if (currentPassword.length > 1024 || newPassword.length > 1024) {
      ctx.addIssue({
        code: 'custom',
        path: ['newPassword'],
        message: `New password must be ${PASSWORD_MAX_LENGTH} characters or fewer`,
      })
      return
    }
    // A mistyped confirmation stops the change before the current password is even checked.
    if (newPassword && confirmPassword !== newPassword) {
      if (!currentPassword)
        ctx.addIssue({ code: 'custom', path: ['currentPassword'], message: 'Enter your current password' })
      ctx.addIssue({
        code: 'custom',
        path: ['confirmPassword'],
        message: confirmPassword
          ? 'Passwords do not match: type the new password again'
          : 'Type your new password again to confirm it',
      })
    }
  })

/** A personal API token: a name, how long it lasts, and some of the permissions the user's role has (never more). */
export const ApiTokenForm = (maxDays: number, has: (permission: string) => boolean) =>
  z.object({
    name: requiredText('Enter a name for the token, saying what uses it', 100, 'Name must be 100 characters or fewer'),
    days: field(
      z
        .string()
        .min(1, { error: 'Enter how many days the token lasts' })
        .regex(/^\d+$/, { error: `Enter a whole number of days from 1 to ${maxDays}` })
        .transform(Number)
        .refine((days) => days >= 1 && days <= maxDays, {
          error: `Enter a whole number of days from 1 to ${maxDays}`,
        }),
    ),
    scopes: z
      .preprocess((value) => asArray(value).slice(0, 100), z.array(z.string()))
      .superRefine((scopes, ctx) => {
        const outside = scopes.filter((s) => !isPermission(s) || !has(s))
        if (scopes.length === 0)
          ctx.addIssue({ code: 'custom', message: 'Select at least one permission the token may use' })
        else if (outside.length > 0)
          ctx.addIssue({ code: 'custom', message: `Your role does not have: ${outside.join(', ').slice(0, 300)}` })
      }),
    currentPassword: password.pipe(z.string().min(1, { error: 'Enter your current password' })),
  })

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/** A new user, by an administrator: who, their role, and how they get their first password. */
export const NewUserForm = (roleIds: readonly string[]) =>
  z
    .object({
      displayName: requiredText('Enter the user’s full name', 200, 'Full name must be 200 characters or fewer'),
      email: field(
        z
          .string()
          .min(1, { error: 'Enter the user’s email address' })
          .refine((email) => email.length <= 320 && EMAIL.test(email), {
            error: 'Enter an email address in the correct format, like name@example.police.uk',
          }),
      ),
      role: z.preprocess(
        asString,
        z.string().refine((role) => roleIds.includes(role), { error: 'Select the user’s role' }),
      ),
      passwordChoice: z.preprocess(
        asString,
        z.enum(['generate', 'set'], { error: 'Select how the user gets their first password' }),
      ),
      password,
    })
    .superRefine(({ passwordChoice, password, email, displayName }, ctx) => {
      if (passwordChoice !== 'set') return
      const problem = passwordProblem(password.slice(0, 1024), { email, displayName })
      if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem })
    })
