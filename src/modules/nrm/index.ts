/** The nrm module's public API: other modules use only what this file exports. */
export { draftAnswerRows } from './nrm.form.ts'
export { loadDemoNrmDrafts } from './nrm.demo.ts'
export { loadDemoNrmLifecycle } from './nrm.lifecycle.demo.ts'
export { createNrmService } from './nrm.service.ts'
