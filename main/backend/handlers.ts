import { customerDisplayHandlers } from './customer-display/handlers.ts';
import type { Handlers } from './handler-types.ts';
import { memberHandlers } from './members/handlers.ts';
import { receiptHandlers } from './receipts/handlers.ts';
import { reportHandlers } from './reports/handlers.ts';
import { scanHandlers } from './scanning/handlers.ts';
import { saleHandlers } from './sales/handlers.ts';
import { staffHandlers } from './staff/handlers.ts';
import { syncHandlers } from './sync/handlers.ts';
import { terminalHandlers } from './terminal/handlers.ts';

/** Every command of the contract, one map per domain joined here; a missing method fails to compile. */
export const handlers: Handlers = {
  ...staffHandlers,
  ...memberHandlers,
  ...saleHandlers,
  ...reportHandlers,
  ...scanHandlers,
  ...terminalHandlers,
  ...syncHandlers,
  ...receiptHandlers,
  ...customerDisplayHandlers,
};
