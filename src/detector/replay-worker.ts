/**
 * A replay thread: runs its share of a playbook's rules over the planned files and posts the partial replay back
 * (replay-threads.ts starts it and merges the answers).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isRampartError } from '../shared/errors.js';
import { replayPlans } from './replay.js';
import type { WorkerAnswer, WorkerTask } from './replay-threads.js';

const task = workerData as WorkerTask;
let answer: WorkerAnswer;
try {
  answer = { ok: true, run: await replayPlans(task.plans, task.options) };
} catch (error) {
  answer = {
    ok: false,
    error: isRampartError(error)
      ? { code: error.code, message: error.message, details: error.details }
      : { message: error instanceof Error ? error.message : String(error) },
  };
}
parentPort?.postMessage(answer);
