export { deliverNotificationWorkflow } from './notification';
export { repairWorkflow } from './repair';
