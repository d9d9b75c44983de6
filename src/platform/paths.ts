import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project folder: templates, assets and node_modules are found from here, whatever the working directory. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..')
