import { assertEquals } from "./assert.ts";

/**
 * What `vllm run-batch -i requests -o output` does, against the fake server: each request line
 * through /chat/completions, in order, into an OpenAI-format result line. `model` answers with
 * another model than the one each request names (as a cluster serving the wrong model would).
 */
export async function runBatchLocally(
  url: string,
  requests: string,
  output: string,
  o: { model?: string } = {},
): Promise<number> {
  const lines = (await Deno.readTextFile(requests)).split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
  const out: string[] = [];
  for (const [i, l] of lines.entries()) {
    assertEquals([l.method, l.url], ["POST", "/v1/chat/completions"]);
    const res = await fetch(`${url}/chat/completions`, {
      method: "POST",
      body: JSON.stringify(o.model ? { ...l.body, model: o.model } : l.body),
      headers: { "content-type": "application/json" },
    });
    const body = await res.json();
    out.push(JSON.stringify({
      id: `vllm-${i}`,
      custom_id: l.custom_id,
      response: { status_code: res.status, request_id: `r-${i}`, body },
      error: null,
    }));
  }
  await Deno.writeTextFile(output, out.join("\n") + "\n");
  return lines.length;
}
