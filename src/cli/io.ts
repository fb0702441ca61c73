/** Where CLI commands write; tests capture it instead of the process's streams. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  setExitCode(code: number): void;
}

export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};
