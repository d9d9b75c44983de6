/**
 * Where to send a user back to after signing in: only a path on this site, anything else is the home page.
 * A path is a single `/` followed by visible ASCII only. Browsers drop tabs and newlines inside a URL and read
 * `\` as `/`, so `/\t/evil.example` or `/\evil.example` would become `//evil.example` (another site); a control
 * character or one above U+00FF cannot go in a Location header at all (Node throws, a 500). Real paths are
 * percent-encoded by the browser, so refusing everything else loses nothing.
 */
export function localPath(value: unknown): string {
  if (typeof value !== 'string') return '/'
  return /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/.test(value) ? value : '/'
}
