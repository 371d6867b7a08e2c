export { Customer } from './Customer';
export { CustomerUser } from './CustomerUser';
export { Repair } from './Repair';
export { Technician } from './Technician';
export { User } from './User';
