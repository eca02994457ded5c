// The official TypeScript SDK client running every passthrough check against one MCP endpoint of the gateway
// (whose upstream is probe-server.mjs) and printing, as one JSON document, what it saw and when.
// Usage: node matrix-client.mjs URL TRANSPORT [SKIP]   TRANSPORT: streamable (URL is the /mcp endpoint) | sse (the
// /sse one); SKIP: comma-separated checks not to run (those that cannot work in the cell)
// Each check records what it observed or the error it met; the test decides what passes. Every wait is bounded.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import {
  CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema, LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema, ToolListChangedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { randomUUID } from "node:crypto";

const [url, transportKind, skip = ""] = process.argv.slice(2);
const skipped = new Set(skip.split(",").filter(Boolean));
const TIMEOUT_MS = 8000;
const tag = randomUUID().slice(0, 8);
const now = () => Math.round(performance.now());
const asked = { sampling: 0, elicitation: 0, roots: 0 };
const logs = [];
const updated = [];
const listChanges = [];
const changeWaiters = new Set();
let listed = []; // the resources' URIs, as the pagination check found them

const client = new Client({ name: "forge-matrix", version: "1.0.0" },
  { capabilities: { sampling: {}, elicitation: {}, roots: { listChanged: true } } });
client.setRequestHandler(CreateMessageRequestSchema, async () => {
  asked.sampling++;
  return { role: "assistant", content: { type: "text", text: "sampled by the matrix client" }, model: "matrix", stopReason: "endTurn" };
});
client.setRequestHandler(ElicitRequestSchema, async () => {
  asked.elicitation++;
  return { action: "accept", content: { color: "teal" } };
});
client.setRequestHandler(ListRootsRequestSchema, async () => {
  asked.roots++;
  return { roots: [{ uri: "file:///matrix-root", name: "matrix root" }] };
});
client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push({ data: n.params.data, atMs: now() }));
client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => updated.push(n.params.uri));
client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
  listChanges.push(now());
  for (const wake of changeWaiters) wake();
});

const options = { timeout: TIMEOUT_MS };
const text = (r) => r.content.map((c) => c.text ?? "").join(" ");
const call = (name, args = {}, extra = {}) => client.callTool({ name, arguments: args }, undefined, { ...options, ...extra });
/** Polls a condition until it holds or the deadline passes; true if it held. */
async function until(condition, ms = 5000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}
async function observe(check) {
  const started = now();
  try {
    return { ...(await check()), tookMs: now() - started };
  } catch (e) {
    return { error: String(e?.message ?? e), tookMs: now() - started, askedSoFar: { ...asked } };
  }
}

const checks = {
  tools: async () => {
    const tools = (await client.listTools(undefined, options)).tools.map((t) => t.name);
    return { tools, echo: text(await call("echo", { message: "hello matrix" })) };
  },
  structured: async () => {
    const result = await call("structured", { city: "Porto" });
    return { structuredContent: result.structuredContent ?? null, text: text(result) };
  },
  completion: async () => {
    const result = await client.complete({ ref: { type: "ref/prompt", name: "greet" }, argument: { name: "name", value: "al" } }, options);
    return { values: result.completion.values };
  },
  pagination: async () => {
    const uris = [];
    let cursor;
    let pages = 0;
    do {
      const page = await client.listResources(cursor === undefined ? undefined : { cursor }, options);
      pages++;
      uris.push(...page.resources.map((r) => r.uri));
      cursor = page.nextCursor;
    } while (cursor !== undefined && pages < 20);
    listed = uris;
    const last = uris.at(-1);
    const read = await client.readResource({ uri: last }, options);
    return { pages, count: uris.length, distinct: new Set(uris).size, last, read: read.contents[0]?.text ?? null };
  },
  concurrency: async () => {
    const started = now();
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) =>
      call("echo", { message: `call ${i}`, delayMs: 300 }).then(text, (e) => `error: ${e.message}`)));
    return { answers, wrong: answers.filter((a, i) => a !== `echo: call ${i}`), elapsedMs: now() - started };
  },
  subscription: async () => {
    const uri = listed[7];
    await client.subscribeResource({ uri }, options);
    const touched = text(await call("touch", { uri }));
    const arrived = await until(() => updated.includes(uri));
    await client.unsubscribeResource({ uri }, options);
    return { touched, arrived, updated };
  },
  listChanged: async () => {
    const name = `added-${tag}`;
    const before = listChanges.length;
    const listed = new Promise((resolve) => {
      const wake = async () => {
        const tools = (await client.listTools(undefined, options)).tools.map((t) => t.name);
        if (tools.includes(name)) { changeWaiters.delete(wake); resolve(true); }
      };
      changeWaiters.add(wake);
      setTimeout(() => { changeWaiters.delete(wake); resolve(false); }, TIMEOUT_MS);
    });
    await call("add-tool", { tag });
    return { listedAfterNotification: await listed, notifications: listChanges.length - before };
  },
  logging: async () => {
    let setLevel = "ok";
    await client.setLoggingLevel("debug", options).catch((e) => { setLevel = String(e.message); });
    const started = now();
    await call("log", { tag, count: 3 });
    const resultAtMs = now() - started;
    const mine = () => logs.filter((l) => String(l.data).startsWith(tag));
    await until(() => mine().length >= 3);
    return { setLevel, received: mine().length, resultAtMs };
  },
  progress: async () => {
    const started = now();
    const progress = [];
    const result = await call("slow", { durationMs: 2000, steps: 4 },
      { onprogress: (p) => progress.push({ progress: p.progress, atMs: now() - started }) });
    return { result: text(result), resultAtMs: now() - started, progress };
  },
  cancel: async () => {
    const controller = new AbortController();
    const started = now();
    const aborted = call("wait-for-cancel", { tag }, { signal: controller.signal, timeout: 30000 })
      .then((r) => `completed: ${text(r)}`, (e) => `rejected: ${e.message}`);
    const seen = async () => JSON.parse(text(await call("cancellations", { tag })));
    const waiting = await until(async () => (await seen()).waiting);
    controller.abort("the matrix client gave up");
    const outcome = await aborted;
    const abortedAtMs = now() - started;
    const reached = await until(async () => (await seen()).cancelled.length > 0);
    return { waiting, outcome, abortedAtMs, reached, seenByUpstream: (await seen()).cancelled, seenAtMs: now() - started };
  },
  sampling: async () => ({ answer: text(await call("ask-sampling", { prompt: "write a haiku" })), asked: asked.sampling }),
  elicitation: async () => ({ answer: text(await call("ask-elicitation")), asked: asked.elicitation }),
  roots: async () => ({ answer: text(await call("ask-roots")), asked: asked.roots }),
};

const seen = { tag };
const connectStarted = now();
try {
  const transport = transportKind === "sse" ? new SSEClientTransport(new URL(url)) : new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport, options);
  seen.connectMs = now() - connectStarted;
  // quick checks one after another, then the ones that wait on the upstream at once; the cancel goes alone, so that
  // what it does to the gateway's streams cannot pass for a failure of the questions asked meanwhile
  const quick = ["tools", "structured", "completion", "pagination", "concurrency", "subscription", "listChanged", "logging", "cancel"];
  for (const name of quick.filter((n) => !skipped.has(n))) {
    seen[name] = await observe(checks[name]);
  }
  const slow = ["progress", "sampling", "elicitation", "roots"].filter((n) => !skipped.has(n));
  const results = await Promise.all(slow.map((name) => observe(checks[name])));
  slow.forEach((name, i) => { seen[name] = results[i]; });
} catch (e) {
  seen.connectError = String(e?.message ?? e);
}
seen.totalMs = now() - connectStarted;
await Promise.race([client.close().catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
console.log(JSON.stringify(seen));
process.exit(0);
