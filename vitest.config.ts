import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: keep parallel workers modest so timing-sensitive network tests stay honest.
    maxWorkers: 2,
    // Under CI a JSON report too, from which .ci/run prints the plain "N passed, N failed" closing line.
    reporters: process.env.CI === 'true' ? ['default', 'json'] : ['default'],
    outputFile: { json: 'coverage/vitest-results.json' },
    projects: [
      {
        // The server, the CLI, the stories and the console in headless Chromium (test/console).
        test: {
          name: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The console's components, rendered in jsdom with Testing Library.
        plugins: [react()],
        test: {
          name: 'web',
          include: ['web/src/**/*.test.{ts,tsx}'],
          environment: 'jsdom',
          setupFiles: ['web/vitest.setup.ts'],
        },
      },
    ],
  },
});
