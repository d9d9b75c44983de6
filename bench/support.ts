import { spawn, type ChildProcess } from 'node:child_process'
import pg from 'pg'
import { ROOT } from '#src/platform/paths.ts'
import { freePort } from '#src/shared/free-port.ts'

export { freePort }

/** A fresh database on the benchmark server (the machine's PostgreSQL unless LANTERN_BENCH_PG_URL says otherwise). */
export async function freshDatabase(name: string): Promise<string> {
  const adminUrl = process.env.LANTERN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  return adminUrl.replace(/\/[^/]*$/, `/${name}`)
}

/** Runs Lantern as its own process, as in production, so the load generator does not share its event loop. */
export async function startServer(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort()
  // BENCH_NODE_FLAGS passes flags such as --cpu-prof to the server process, for profiling a run.
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (c) => (output += c))
  child.stderr!.on('data', (c) => (output += c))
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output}`)
    try {
      if ((await fetch(`${url}/health`)).ok) break
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    url,
    child,
    stop: () => new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM')))),
  }
}

export async function signIn(url: string, email: string, password: string): Promise<string> {
  const page = await fetch(`${url}/sign-in`)
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]
  const response = await fetch(`${url}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: token, email, password }),
  })
  const session = response.headers.getSetCookie().find((c) => c.startsWith('lantern_session='))
  if (!session) throw new Error(`sign-in failed: ${response.status}`)
  return session.split(';')[0]
}
