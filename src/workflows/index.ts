export { deliverNotificationsWorkflow } from './notification';
export { repairWorkflow } from './repair';
