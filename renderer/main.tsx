import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectToHost } from './api/connect.ts';
import { App } from './app/App.tsx';

const root = createRoot(document.getElementById('root')!);
try {
  const connection = connectToHost();
  root.render(
    <StrictMode>
      <App connection={connection} />
    </StrictMode>,
  );
} catch (error) {
  root.render(
    <p role="alert" className="fatal">
      {error instanceof Error ? error.message : String(error)}
    </p>,
  );
}
