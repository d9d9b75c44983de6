/**
 * Training materials: PDFs and slide decks (PowerPoint PPTX or OpenDocument ODP).
 *
 * Stored in PostgreSQL (bytea), not in the data folder, because:
 * - one store to back up and restore: an event and its materials cannot drift apart;
 * - the file commits in the same transaction as its audit row, so there is never a file without a record;
 * - several app instances behind a load balancer (a force deployment) need no shared disk;
 * - the files are few and small (a handful per event, at most MATERIAL_MAX_BYTES each), well within what
 *   bytea handles comfortably. A force with large volumes can move them to object storage behind the same
 *   repository functions.
 */
export const MATERIAL_MAX_BYTES = 10 * 1024 * 1024

export type MaterialKind = { contentType: string; extension: string; label: string }

const PDF: MaterialKind = { contentType: 'application/pdf', extension: 'pdf', label: 'PDF' }
const PPTX: MaterialKind = {
  contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  extension: 'pptx',
  label: 'PowerPoint',
}
const ODP: MaterialKind = {
  contentType: 'application/vnd.oasis.opendocument.presentation',
  extension: 'odp',
  label: 'OpenDocument presentation',
}

const ZIP_LOCAL_HEADER = Buffer.from([0x50, 0x4b, 0x03, 0x04])

/**
 * What the file really is, read from its bytes: the name and the browser's stated type are not trusted
 * (a renamed executable must not be served back to colleagues as a "PDF").
 */
export function sniffMaterial(data: Buffer): MaterialKind | null {
  if (data.length >= 5 && data.subarray(0, 5).toString('latin1') === '%PDF-') return PDF
  if (data.length < 30 || !data.subarray(0, 4).equals(ZIP_LOCAL_HEADER)) return null
  // OpenDocument: the first zip entry is an uncompressed file named "mimetype" holding the media type.
  const nameLength = data.readUInt16LE(26)
  const extraLength = data.readUInt16LE(28)
  const firstName = data.subarray(30, 30 + nameLength).toString('latin1')
  if (firstName === 'mimetype') {
    const start = 30 + nameLength + extraLength
    const declared = data.subarray(start, start + ODP.contentType.length).toString('latin1')
    return declared === ODP.contentType ? ODP : null
  }
  // Office Open XML: entry names are stored uncompressed; a presentation has both of these parts.
  if (data.includes('[Content_Types].xml', 0, 'latin1') && data.includes('ppt/presentation.xml', 0, 'latin1'))
    return PPTX
  return null
}

/** A file name safe to store and to send back: no path, no control characters, a sensible length. */
export function cleanFilename(name: string, kind: MaterialKind): string {
  const base = name.split(/[\\/]/).pop() ?? ''
  const cleaned = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"]/g, '')
    .trim()
    .slice(0, 150)
  const withoutExtension = cleaned.replace(/\.[A-Za-z0-9]{1,5}$/, '')
  return `${withoutExtension || 'material'}.${kind.extension}`
}

/** Content-Disposition for a download: an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function attachmentHeader(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/[\\"]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}
