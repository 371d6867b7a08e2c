export { repairWorkflow } from './repair';
