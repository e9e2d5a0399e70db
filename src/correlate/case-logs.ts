// Small log texts the checks' cases are built from, in the shapes of real exports (corpus evt01).

/** One Windows Update client event: 20 (failure, with a code) or 19 (installed, code null). */
export interface WuEvent {
  date: string;
  code: string | null;
  title: string;
  /** Mark the description line as expected evidence (`> `). */
  mark?: boolean;
}

/** A `wevtutil qe System /f:text` export of Windows Update client events. */
export function eventExport(events: WuEvent[]): string {
  return events
    .map((e, i) =>
      [
        `Event[${i}]:`,
        '  Log Name: System',
        '  Source: Microsoft-Windows-WindowsUpdateClient',
        `  Date: ${e.date}`,
        `  Event ID: ${e.code ? 20 : 19}`,
        '  Task: Windows Update Agent',
        `  Level: ${e.code ? 'Error' : 'Information'}`,
        '  Description: ',
        (e.mark ? '> ' : '') +
          (e.code
            ? `Installation Failure: Windows failed to install the following update with error ${e.code}: ${e.title}.`
            : `Installation Successful: Windows successfully installed the following update: ${e.title}`),
      ].join('\n'),
    )
    .join('\n\n');
}
