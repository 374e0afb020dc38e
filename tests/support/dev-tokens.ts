import { BingoClient } from "../../shared/client";

/**
 * An SDK client signed in with a development token from the node's own route (the pages'
 * kind of token, on nodes started with devMode), and the token itself.
 */
export async function devTokenClient(url: string, role: "player" | "host", sub: string): Promise<{ client: BingoClient; token: string }> {
  const response = await fetch(`${url}/api/dev/token`, { method: "POST", body: JSON.stringify({ role, sub }) });
  if (response.status !== 200) throw new Error(`POST /api/dev/token answered ${response.status}`);
  const { token } = (await response.json()) as { token: string };
  return { client: await BingoClient.connect({ url, token }), token };
}
