/** `loyalty-terminal --pair/--diagnostics/--restore` exit statuses, for device-management scripts. */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  BAD_ARGUMENTS: 2,
  /** The pairing code is wrong, expired or already used: make a new one. */
  BAD_CODE: 3,
  /** The server could not be reached (DNS, refused, timeout). */
  UNREACHABLE: 4,
  /** The server's certificate is not trusted (give --ca), or its address is plain http:// to another machine (refused: use https://). */
  TLS: 5,
  /** The server answered but refused (not a loyalty server, unknown store, …). */
  REFUSED: 6,
  /** The configuration is invalid: see the problems printed. */
  NOT_CONFIGURED: 7,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
