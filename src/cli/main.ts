#!/usr/bin/env node
import { processIo } from './io.js';
import { buildLogsProgram, isLogsCommand } from './logs-program.js';

// `rampart … | head` closes the pipe early; that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

// `rampart logs …` loads only what it needs; every other command gets the whole tree.
if (isLogsCommand(process.argv.slice(2))) {
  await buildLogsProgram({ io: processIo, env: process.env, cwd: process.cwd() }).parseAsync(process.argv);
} else {
  const { buildProgram } = await import('./program.js');
  let stopping = false;
  const program = buildProgram(
    { io: processIo, env: process.env, cwd: process.cwd() },
    {
      onStarted: (stop) => {
        const shutdown = (signal: string) => {
          if (stopping) return;
          stopping = true;
          processIo.err(`\n${signal}: stopping…`);
          stop().then(
            () => process.exit(0),
            (error: unknown) => {
              processIo.err(`error while stopping: ${String(error)}`);
              process.exit(1);
            },
          );
        };
        process.once('SIGINT', () => shutdown('SIGINT'));
        process.once('SIGTERM', () => shutdown('SIGTERM'));
      },
    },
  );
  await program.parseAsync(process.argv);
}
