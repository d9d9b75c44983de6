import fastifyMultipart, { type MultipartFile } from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'

/** A file from a form or API upload, read into memory (uploads are small and size-limited). */
export type UploadedFile = { filename: string; data: Buffer; truncated: boolean }

export function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && Buffer.isBuffer((value as UploadedFile).data)
}

/**
 * Multipart for one route scope only, so every other route keeps its ordinary, size-limited body parsing.
 * Fields land on request.body as plain values (the CSRF check reads "_csrf" as on any form), and an oversized
 * file is read to the limit and marked, so the page can say so instead of a bare 413.
 */
export async function registerSingleFileUpload(
  scope: FastifyInstance,
  limits: { fileSize: number; fields: number; fieldSize: number },
): Promise<void> {
  await scope.register(fastifyMultipart, {
    limits: {
      fileSize: limits.fileSize,
      files: 1,
      fields: limits.fields,
      fieldSize: limits.fieldSize,
      parts: limits.fields + 1,
    },
    attachFieldsToBody: 'keyValues',
    throwFileSizeLimit: false,
    async onFile(part: MultipartFile) {
      const chunks: Buffer[] = []
      for await (const chunk of part.file) chunks.push(chunk as Buffer)
      ;(part as unknown as { value: UploadedFile }).value = {
        filename: part.filename,
        data: Buffer.concat(chunks),
        truncated: part.file.truncated,
      }
    },
  })
}
