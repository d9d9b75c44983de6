import type { FastifyReply } from 'fastify'
import type { Config } from '#src/platform/config/config.ts'

export const SESSION_COOKIE = 'lantern_session'

/** The session cookie: httpOnly, so page scripts never see it; Lax, so a link from an email still arrives signed in. */
export function setSessionCookie(reply: FastifyReply, token: string, config: Pick<Config, 'cookieSecure'>): void {
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure: config.cookieSecure, path: '/' })
}
