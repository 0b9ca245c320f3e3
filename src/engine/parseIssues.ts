// Collects the problems a parser finds, capped: a file whose every line is broken (say, a
// trailing comma on each data row) must not turn into a million issue objects.

import { UnlearnError } from './errors';
import type { ParseIssue, ParseProblems } from './types';

export const MAX_PARSE_ISSUES = 1000;

export class ParseIssueLog {
  readonly issues: ParseIssue[] = [];
  private dropped = 0;

  add(line: number, message: string): void {
    if (this.issues.length < MAX_PARSE_ISSUES) this.issues.push({ line, message });
    else this.dropped++;
  }

  /** A point to roll back to (a record read again later). */
  mark(): [number, number] {
    return [this.issues.length, this.dropped];
  }

  rollback([length, dropped]: [number, number]): void {
    this.issues.length = length;
    this.dropped = dropped;
  }

  /** The issues in line order, ending with a count of the ones left out. */
  finish(): ParseIssue[] {
    this.issues.sort((a, b) => a.line - b.line);
    if (this.dropped > 0) {
      const last = this.issues[this.issues.length - 1];
      this.issues.push({ line: last.line, message: `${this.dropped} more problems not listed`, omitted: this.dropped });
      this.dropped = 0;
    }
    return this.issues;
  }
}

/** How many problems a parser found, counting the ones its capped list left out. */
export function countParseIssues(issues: ParseIssue[]): number {
  let count = 0;
  for (const issue of issues) count += issue.omitted ?? 1;
  return count;
}

/** The count and the first few problems, as an audit reports them. */
export function summariseParseIssues(issues: ParseIssue[], listed = PARSE_ISSUES_IN_AUDIT): ParseProblems {
  return { count: countParseIssues(issues), first: issues.filter((i) => i.omitted === undefined).slice(0, listed) };
}

/** Problems an audit lists in its text, JSON and report (all of them: `unlearn parse`). */
export const PARSE_ISSUES_IN_AUDIT = 10;

/** --strict: the first problem, with its line, and how many there are. */
export function strictParseError(problems: ParseProblems, fileName: string): UnlearnError {
  const first = problems.first[0];
  const more = problems.count > 1 ? ` (and ${problems.count - 1} more; \`unlearn parse\` lists them)` : '';
  return new UnlearnError(`${first.message}${more}; --strict makes every parse problem an error`, fileName, first.line);
}
