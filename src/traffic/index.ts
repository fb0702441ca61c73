export { TrafficRecorder, type TrafficView } from './traffic-recorder.js';
export {
  TrafficSeries,
  NO_ROUTE,
  OTHER_ROUTES,
  type SeriesPoint,
  type SeriesQuery,
} from './traffic-series.js';
export { TokenStats, DISTINCT_CAP, type TokenStat } from './token-stats.js';
export { topTalkers, type TopTalkers, type Talker } from './top-talkers.js';
export { LATENCY_BOUNDS_MS, quantileOf } from './latency-histogram.js';
