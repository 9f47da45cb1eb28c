/**
 * Human progress for long steps, on stderr (stdout is for the command's result):
 *   starting Kafka…....  ready in 7.3s
 * Tests and `--json` callers pass `silentProgress`.
 */

export interface ProgressStep {
  /** One more dot while waiting. */
  tick(): void;
  /** Closes the line: `label…  suffix`. */
  end(suffix: string): void;
}

export interface Progress {
  /** A whole line of information. */
  note(line: string): void;
  begin(label: string): ProgressStep;
}

export function createProgress(write: (text: string) => void): Progress {
  let open = false;
  const closeOpenLine = () => {
    if (open) write("\n");
    open = false;
  };
  return {
    note(line) {
      closeOpenLine();
      write(`${line}\n`);
    },
    begin(label) {
      closeOpenLine();
      write(`${label}…`);
      open = true;
      return {
        tick: () => {
          if (open) write(".");
        },
        end: (suffix) => {
          write(open ? `  ${suffix}\n` : `${label}: ${suffix}\n`);
          open = false;
        },
      };
    },
  };
}

export const stderrProgress: Progress = createProgress((text) => process.stderr.write(text));

export const silentProgress: Progress = {
  note: () => {},
  begin: () => ({ tick: () => {}, end: () => {} }),
};

/** Seconds with one decimal, for "ready in 7.3s". */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
