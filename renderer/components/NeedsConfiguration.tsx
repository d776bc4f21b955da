import { translate, type Language } from '../i18n/i18n.tsx';

export interface ConfigProblem {
  source: string;
  field: string;
  message: string;
}

/** No sign-in, no sale: what IT has to fix, file by file and field by field. */
export function NeedsConfiguration({ problems, language }: { problems: ConfigProblem[]; language: Language }) {
  return (
    <main className="screen needs-configuration" role="alert">
      <h1>{translate(language, 'config.title')}</h1>
      <p>{translate(language, 'config.explain')}</p>
      <ul>
        {problems.map((p, i) => (
          <li key={i}>
            <code>{p.source}</code> — <code>{p.field}</code>: {p.message}
          </li>
        ))}
      </ul>
    </main>
  );
}
