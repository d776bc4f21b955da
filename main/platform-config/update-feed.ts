/**
 * Where automatic updates may come from (the fleet configuration's `updates`
 * group): an update is code the terminal will run with the cashier's trust.
 * main/app/updates.ts applies it; config-resolve.ts refuses a configuration
 * that breaks it, naming the field. Pure.
 */
/** The fleet configuration's `updates` group, as far as where updates come from and who signed them. */
export interface UpdateFeedSettings {
  enabled: boolean;
  url: string | null;
  publisherName: string | null;
}

/**
 * Why automatic updates may not run with these settings (empty: they may). An
 * update comes only from an https:// feed (the AppImage's SHA-512 in
 * latest-linux.yml is only as good as the connection that brought it), and on
 * Windows only an installer whose Authenticode signature names the configured
 * publisher is installed (electron-updater's verifyUpdateCodeSignature).
 * `platform` unknown: both are required.
 */
export function updateFeedProblems(updates: UpdateFeedSettings, platform?: NodeJS.Platform): { field: string; message: string }[] {
  if (!updates.enabled) return [];
  const problems: { field: string; message: string }[] = [];
  if (updates.url === null)
    problems.push({ field: 'updates.url', message: 'is required when updates are enabled (the self-hosted feed address)' });
  else if (!/^https:\/\//i.test(updates.url))
    problems.push({
      field: 'updates.url',
      message:
        'must be an https:// address when updates are enabled: over plain http:// anyone on the network could hand the terminal an installer of their own',
    });
  if ((platform === undefined || platform === 'win32') && (updates.publisherName ?? '').trim() === '')
    problems.push({
      field: 'updates.publisherName',
      message:
        'is required when updates are enabled: the publisher (subject common name) of the certificate the installers are signed with; an installer not signed by it is refused',
    });
  return problems;
}
