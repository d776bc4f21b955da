import type { Request, Response } from '../../shared/api.ts';

/**
 * The backend of a terminal whose configuration is wrong: it opens no
 * database and syncs nothing, and answers every call with NOT_CONFIGURED and
 * the problems (file, field, what is wrong), so the screen can tell IT what
 * to fix instead of the app crashing or selling with settings nobody meant.
 */
export interface ConfigProblemView {
  source: string;
  field: string;
  message: string;
}

export function parseProblems(json: string): ConfigProblemView[] {
  try {
    const value = JSON.parse(json) as unknown;
    if (Array.isArray(value))
      return value.filter(
        (p): p is ConfigProblemView => typeof p?.source === 'string' && typeof p?.field === 'string' && typeof p?.message === 'string',
      );
  } catch {
    // fall through: the state is still "needs configuration", with a generic problem
  }
  return [{ source: 'configuration', field: '(unknown)', message: 'is invalid' }];
}

export function needsConfigurationDispatcher(problems: readonly ConfigProblemView[]): (request: Request) => Response {
  const summary = problems.map((p) => `${p.source}: ${p.field}: ${p.message}`).join('\n');
  return (request) => ({
    id: typeof request?.id === 'number' ? request.id : -1,
    ok: false,
    error: { code: 'NOT_CONFIGURED', message: `This terminal needs configuration. Ask IT to fix:\n${summary}`, details: { problems } },
  });
}
