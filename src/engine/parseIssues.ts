// Collects the problems a parser finds, capped: a file whose every line is broken (say, a
// trailing comma on each data row) must not turn into a million issue objects.

import type { ParseIssue } from './types';

export const MAX_PARSE_ISSUES = 1000;

export class ParseIssueLog {
  readonly issues: ParseIssue[] = [];
  private dropped = 0;

  add(line: number, message: string): void {
    if (this.issues.length < MAX_PARSE_ISSUES) this.issues.push({ line, message });
    else this.dropped++;
  }

  /** The issues in line order, ending with a count of the ones left out. */
  finish(): ParseIssue[] {
    this.issues.sort((a, b) => a.line - b.line);
    if (this.dropped > 0) {
      const last = this.issues[this.issues.length - 1];
      this.issues.push({ line: last.line, message: `${this.dropped} more problems not listed` });
      this.dropped = 0;
    }
    return this.issues;
  }
}
