// Usage: node audit.mjs http://127.0.0.1:PORT/graphql
// Prints every audit that is not ok, then a summary line: audits=N ok=N notice=N warn=N error=N.
// error = a MUST failed, warn = a SHOULD failed, notice = a MAY not taken.
import { auditServer } from 'graphql-http';

const results = await auditServer({ url: process.argv[2] });
const count = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const r of results) {
  count[r.status] = (count[r.status] ?? 0) + 1;
  if (r.status !== 'ok') console.log(`${r.status} ${r.id} ${r.name}: ${r.reason ?? ''}`);
}
console.log(`audits=${results.length} ok=${count.ok} notice=${count.notice} warn=${count.warn} error=${count.error}`);
