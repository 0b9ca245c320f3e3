// Errors the user can act on carry the file and line they are about, so every front end
// (CLI stderr, Problems panel, notifications) can say where without a stack trace.

export class UnlearnError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'UnlearnError';
  }

  /** "file:line: message", or as much of it as is known. */
  describe(): string {
    const where = this.file ? (this.line ? `${this.file}:${this.line}: ` : `${this.file}: `) : '';
    return `${where}${this.message}`;
  }
}

/** The error, naming `file` if it is an UnlearnError that names no file yet (it is about that file's data). */
export function inFile(error: unknown, file: string): unknown {
  return error instanceof UnlearnError && !error.file ? new UnlearnError(error.message, file, error.line) : error;
}

/** Runs `work`; an UnlearnError it throws names `file` (see inFile). */
export function aboutFile<T>(file: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw inFile(error, file);
  }
}

/** Thrown when a run is cancelled through RunControl.isCancelled. */
export class CancelledError extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'CancelledError';
  }
}
