/** The intelligence module's public API: what other modules' services call inside their transactions. */
export { raiseSharedIdentifierPrompts, type NewLink } from './prompts.ts'
export { loadDemoIntelligence } from './intelligence.demo.ts'
export { createIntelligenceService } from './intelligence.service.ts'
