// Drives an MCP endpoint with a real client of either era and prints what it saw as one JSON document:
//   modern — the TypeScript SDK v2 client pinned to MCP 2026-07-28 (no initialize, no session, an envelope per request)
//   legacy — the TypeScript SDK v1 client (1.32.2): initialize, a session, requests from the server on its streams
// Usage: node era-client.mjs URL PREFIX ERA [MODE]
//   PREFIX goes before tool names ("everything__"); MODE "brief" stops after discovering, listing and one call.
// The tools are server-everything's (or the modern test server's, which mirror them); a server with "add-tool" also
// has its list-change notification checked.
const [url, prefix = "", era = "modern", mode = "full"] = process.argv.slice(2);
const asked = { sampling: 0, elicitation: 0 };
const sample = async () => {
  asked.sampling++;
  return { role: "assistant", content: { type: "text", text: `sampled by the ${era} client` }, model: "test", stopReason: "endTurn" };
};
const elicit = async () => {
  asked.elicitation++;
  return { action: "accept", content: { name: `${era} Ada` } };
};
const roots = async () => ({ roots: [{ uri: `file:///${era}-root`, name: era }] });
let changed;
const listChanged = new Promise((resolve) => { changed = resolve; });

let client;
let transport;
if (era === "legacy") {
  const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
  const { StreamableHTTPClientTransport } = await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
  const types = await import("@modelcontextprotocol/sdk/types.js");
  client = new Client({ name: "forge-legacy-test", version: "1.0.0" },
    { capabilities: { sampling: {}, elicitation: {}, roots: { listChanged: true } } });
  client.setRequestHandler(types.CreateMessageRequestSchema, sample);
  client.setRequestHandler(types.ElicitRequestSchema, elicit);
  client.setRequestHandler(types.ListRootsRequestSchema, roots);
  client.setNotificationHandler(types.ToolListChangedNotificationSchema, () => changed(true));
  transport = new StreamableHTTPClientTransport(new URL(url));
} else {
  const { Client, StreamableHTTPClientTransport } = await import("@modelcontextprotocol/client");
  client = new Client({ name: "forge-modern-test", version: "1.0.0" }, {
    capabilities: { sampling: {}, elicitation: { form: {} }, roots: {} },
    versionNegotiation: { mode: { pin: "2026-07-28" } },
  });
  client.setRequestHandler("sampling/createMessage", sample);
  client.setRequestHandler("elicitation/create", elicit);
  client.setRequestHandler("roots/list", roots);
  client.setNotificationHandler("notifications/tools/list_changed", () => changed(true));
  transport = new StreamableHTTPClientTransport(new URL(url));
}
await client.connect(transport);
const out = era === "legacy" ? { era: "legacy" } : { era: client.getProtocolEra(), discover: client.getDiscoverResult() };
const done = async () => {
  await client.close();
  console.log(JSON.stringify(out));
  process.exit(0);
};

out.tools = (await client.listTools()).tools.map((t) => t.name).filter((n) => n.startsWith(prefix));
const echo = out.tools.find((n) => n.endsWith("echo")) ?? `${prefix}echo`;
out.echo = await client.callTool({ name: echo, arguments: { message: `from the ${era} era` } });
if (mode === "brief") await done();
out.sum = await client.callTool({ name: `${prefix}get-sum`, arguments: { a: 40, b: 2 } });
const resources = (await client.listResources()).resources.filter((r) => r.uri.startsWith("demo://"));
if (resources.length > 0) out.resource = await client.readResource({ uri: resources[0].uri });
if ((await client.listPrompts()).prompts.some((p) => p.name === `${prefix}args-prompt`)) {
  out.prompt = await client.getPrompt({ name: `${prefix}args-prompt`, arguments: { city: "Lisbon" } });
}

// progress must arrive while the call runs, not with its result
const started = Date.now();
const progress = [];
const onprogress = (p) => progress.push({ at: Date.now() - started, progress: p.progress });
const longCall = { name: `${prefix}trigger-long-running-operation`, arguments: { duration: 2, steps: 4 } };
// the v1 client takes (params, resultSchema, options), the v2 client (params, options)
const long = era === "legacy" ? await client.callTool(longCall, undefined, { onprogress }) : await client.callTool(longCall, { onprogress });
out.progress = { events: progress, resultAt: Date.now() - started, result: long };

// the upstream's questions during a call reach this client the way its era asks them, and its answers go back
out.sampling = await client.callTool({ name: `${prefix}trigger-sampling-request`, arguments: { prompt: "say hi" } });
out.elicitation = await client.callTool({ name: `${prefix}trigger-elicitation-request`, arguments: {} });
out.asked = asked;

if (out.tools.includes(`${prefix}add-tool`)) {
  const sub = era === "legacy" ? null : await client.listen({ toolsListChanged: true });
  await client.callTool({ name: `${prefix}add-tool`, arguments: {} });
  out.listChanged = await Promise.race([listChanged, new Promise((r) => setTimeout(() => r(false), 15000))]);
  out.toolsAfter = (await client.listTools()).tools.map((t) => t.name).filter((n) => n.startsWith(prefix));
  if (sub) await sub.close();
}
if (era !== "legacy" && mode !== "no-listen") {
  const sub = await client.listen({ toolsListChanged: true, promptsListChanged: true });
  out.listen = { honored: sub.honoredFilter };
  await sub.close();
  out.listen.closed = await sub.closed;
}
await done();
