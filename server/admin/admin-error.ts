/** A refusal of an administration command, with a message for the person at the console. */
export class AdminError extends Error {
  override readonly name = 'AdminError';
}

/** Formats zod issues as "path: message" lines. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `  ${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('\n');
}
