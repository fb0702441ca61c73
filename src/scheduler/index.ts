export { createScheduler, type Job, type Scheduler } from './scheduler.js';
