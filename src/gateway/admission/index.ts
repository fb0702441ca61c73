export { Admission, type AdmissionOptions, type Forward } from './admission.js';
export { compileClientLimits, DEFAULT_CLIENT_LIMITS, type ClientLimits, type ClientLimitsInput } from './client-limits.js';
export { ConcurrencyCaps, type CapRefusal } from './concurrency-caps.js';
export { BodyRateWatchdog, isClientBound, nextCredit, type WatchedBody } from './body-rate-watchdog.js';
export { NO_SLOT, type UpstreamSlot } from './upstream-capacity.js';
