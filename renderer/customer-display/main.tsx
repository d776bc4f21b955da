import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectToHost } from '../api/connect.ts';
import { CustomerDisplay } from './CustomerDisplay.tsx';
import './customer-display.css';

/**
 * The customer-facing display: a page of its own (a second window under
 * Electron, /customer under the browser host), with the same launch token as
 * the cashier's page. It only listens: it never signs in and calls nothing but
 * display.current.
 */
const root = createRoot(document.getElementById('root')!);
try {
  const connection = connectToHost();
  root.render(
    <StrictMode>
      <CustomerDisplay connection={connection} />
    </StrictMode>,
  );
} catch (error) {
  root.render(
    <p role="alert" className="cd-fatal">
      {error instanceof Error ? error.message : String(error)}
    </p>,
  );
}
