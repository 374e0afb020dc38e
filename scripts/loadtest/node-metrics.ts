/** Reading a node's Prometheus text (`/metrics`) in the load generator. */

/** The node's `/metrics` page as text. */
export async function scrape(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

/** The sum of series `name` over all its labels. */
export function metricSum(page: string, name: string): number {
  let sum = 0;
  for (const line of page.split("\n")) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

/** Series `name`'s values by the value of its label `label` (e.g. `reason`), added into `into`. */
export function metricByLabel(page: string, name: string, label: string, into: Record<string, number> = {}): Record<string, number> {
  const pattern = new RegExp(`${label}="([^"]*)"`);
  for (const line of page.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const key = pattern.exec(line)?.[1];
    if (key !== undefined) into[key] = (into[key] ?? 0) + Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return into;
}
