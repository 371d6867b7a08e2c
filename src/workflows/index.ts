export { dailyDigestWorkflow } from './digest';
export { localDigestWorkflow } from './local-digest';
export { cleanupDeliveryLogsWorkflow } from './housekeeping';
export { deliverNotificationsWorkflow } from './notification';
export { repairWorkflow } from './repair';
export { announcementWorkflow } from './announcement';
export { passwordResetWorkflow } from './account';
