// An MCP server built on the official TypeScript SDK that records what reaches it, for the passthrough matrix.
// Usage: node probe-server.mjs MODE   MODE: stdio | streamable | streamable-json | sse   (HTTP modes listen on $PORT)
// Its resources are probe://NAME/item/N, NAME from $PROBE_NAME under stdio and from the path over HTTP (/NAME/mcp,
// /NAME/sse + /NAME/message), so that one process can stand for several upstreams whose resources do not collide.
// $PROBE_STATE_DIR: a folder shared by every process of one upstream; a file in its tools/ folder is a tool, so a
// tool added through one session is listed by all of them and each process announces tools/list_changed.
//
// Tools: echo (optional delayMs), structured, slow (progress), wait-for-cancel + cancellations (what was cancelled,
// by request), ask-sampling, ask-elicitation (optional delayMs), ask-roots, log, touch (resources/updated to subscribers), add-tool.
// 150 resources served in pages of 25; a prompt whose argument completes.
// In streamable-json mode only the response can travel on a POST, so questions and log lines go on the GET stream;
// progress stays on its own request, where the SDK drops it in that mode.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import {
  CallToolRequestSchema, ListToolsRequestSchema, ListResourcesRequestSchema, ListResourceTemplatesRequestSchema,
  ReadResourceRequestSchema, SubscribeRequestSchema, UnsubscribeRequestSchema, ListPromptsRequestSchema,
  GetPromptRequestSchema, CompleteRequestSchema, CreateMessageResultSchema, ElicitResultSchema, ListRootsResultSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { createServer as createHttpServer } from "node:http";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const mode = process.argv[2] ?? "stdio";
const stateDir = process.env.PROBE_STATE_DIR;
const addedDir = stateDir ? path.join(stateDir, "tools") : null;
if (addedDir) fs.mkdirSync(addedDir, { recursive: true });
// Several processes of one upstream (one per gateway replica) keep what they saw where all of them read it, as a real
// server keeps its state in a shared store: the calls waiting for a cancel, the cancels seen, the resources touched.
const shared = stateDir ? { waiting: path.join(stateDir, "waiting"), cancelled: path.join(stateDir, "cancelled.jsonl"),
  touched: path.join(stateDir, "touched"), subscribed: path.join(stateDir, "subscribed") } : null;
if (shared) for (const dir of [shared.waiting, shared.touched, shared.subscribed]) fs.mkdirSync(dir, { recursive: true });
const key = (text) => Buffer.from(text).toString("base64url");
const sharedCancels = (tag) => !shared || !fs.existsSync(shared.cancelled) ? []
  : fs.readFileSync(shared.cancelled, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)).filter((c) => c.tag === tag);

const resources = (name) => Array.from({ length: 150 }, (_, i) => ({ uri: `probe://${name}/item/${i}`, name: `item ${i}`, mimeType: "text/plain" }));
const PAGE = 25;
const NAMES = ["alice", "albert", "bob", "carol"];
const cancelled = []; // { tag, requestId, reason } of every wait-for-cancel call whose request was cancelled
const waiting = new Set(); // tags of wait-for-cancel calls still running
const servers = new Set();

const object = (properties = {}) => ({ type: "object", properties });
const BASE_TOOLS = [
  { name: "echo", description: "echoes message", inputSchema: object({ message: { type: "string" }, delayMs: { type: "number" } }) },
  { name: "structured", description: "weather as structured content", inputSchema: object({ city: { type: "string" } }),
    outputSchema: object({ city: { type: "string" }, temperature: { type: "number" } }) },
  { name: "slow", description: "progress in steps", inputSchema: object({ durationMs: { type: "number" }, steps: { type: "number" } }) },
  { name: "wait-for-cancel", description: "answers only when cancelled", inputSchema: object({ tag: { type: "string" } }) },
  { name: "cancellations", description: "the cancellations seen for a tag", inputSchema: object({ tag: { type: "string" } }) },
  { name: "ask-sampling", description: "asks the client to sample", inputSchema: object({ prompt: { type: "string" } }) },
  { name: "ask-elicitation", description: "asks the client for a colour (after delayMs)", inputSchema: object({ delayMs: { type: "number" } }) },
  { name: "ask-roots", description: "asks the client for its roots", inputSchema: object() },
  { name: "log", description: "logs count messages", inputSchema: object({ tag: { type: "string" }, count: { type: "number" } }) },
  { name: "touch", description: "tells subscribers a resource changed", inputSchema: object({ uri: { type: "string" } }) },
  { name: "add-tool", description: "adds a tool named added-TAG", inputSchema: object({ tag: { type: "string" } }) },
];
const added = () => (addedDir ? fs.readdirSync(addedDir).sort() : []).map((name) => ({
  name, description: "added while running", inputSchema: object(),
}));
const text = (t) => ({ content: [{ type: "text", text: t }] });

function newServer(name) {
  const RESOURCES = resources(name);
  const server = new Server({ name: "forge-probe", version: "1.0.0" }, {
    capabilities: {
      tools: { listChanged: true }, resources: { subscribe: true, listChanged: true }, prompts: {}, logging: {}, completions: {},
    },
  });
  const subscriptions = new Set();
  server.subscriptions = subscriptions;
  // a question to the client: on the POST's own stream where there is one, else on the GET stream
  const ask = (extra, method, params, schema) => mode === "streamable-json"
    ? server.request({ method, params }, schema)
    : extra.sendRequest({ method, params }, schema);
  const tell = (extra, notification) => mode === "streamable-json" ? server.notification(notification) : extra.sendNotification(notification);

  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: [...BASE_TOOLS, ...added()] }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const args = request.params.arguments ?? {};
    switch (request.params.name) {
      case "echo":
        if (args.delayMs) await new Promise((r) => setTimeout(r, args.delayMs));
        return text(`echo: ${args.message}`);
      case "structured": {
        const weather = { city: args.city ?? "Lisbon", temperature: 21 };
        return { content: [{ type: "text", text: JSON.stringify(weather) }], structuredContent: weather };
      }
      case "slow": {
        const steps = args.steps ?? 4;
        const token = request.params._meta?.progressToken;
        for (let i = 1; i <= steps; i++) {
          await new Promise((r) => setTimeout(r, (args.durationMs ?? 2000) / steps));
          if (token !== undefined) {
            await extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress: i, total: steps } });
          }
        }
        return text(`done in ${steps} steps`);
      }
      case "wait-for-cancel": {
        waiting.add(args.tag);
        const mark = shared ? path.join(shared.waiting, key(args.tag)) : null;
        if (mark) fs.writeFileSync(mark, "");
        const done = () => { waiting.delete(args.tag); if (mark) fs.rmSync(mark, { force: true }); };
        return new Promise((resolve) => {
          const giveUp = setTimeout(() => { done(); resolve(text("never cancelled")); }, 30000);
          extra.signal.addEventListener("abort", () => {
            clearTimeout(giveUp);
            done();
            const seen = { tag: args.tag, requestId: extra.requestId, reason: String(extra.signal.reason ?? "") };
            if (shared) fs.appendFileSync(shared.cancelled, JSON.stringify(seen) + "\n"); else cancelled.push(seen);
            resolve(text("cancelled"));
          });
        });
      }
      case "cancellations": {
        const waitingNow = waiting.has(args.tag) || (shared !== null && fs.existsSync(path.join(shared.waiting, key(args.tag))));
        const seen = shared ? sharedCancels(args.tag) : cancelled.filter((c) => c.tag === args.tag);
        return text(JSON.stringify({ waiting: waitingNow, cancelled: seen }));
      }
      case "ask-sampling": {
        const answer = await ask(extra, "sampling/createMessage", {
          messages: [{ role: "user", content: { type: "text", text: args.prompt ?? "hello" } }], maxTokens: 50,
        }, CreateMessageResultSchema);
        return text(`sampled: ${answer.content.text}`);
      }
      case "ask-elicitation": {
        if (args.delayMs) await new Promise((r) => setTimeout(r, args.delayMs));
        const answer = await ask(extra, "elicitation/create", {
          message: "Pick a colour", requestedSchema: { type: "object", properties: { color: { type: "string" } } },
        }, ElicitResultSchema);
        return text(`elicited: ${answer.action} ${answer.content?.color}`);
      }
      case "ask-roots": {
        const answer = await ask(extra, "roots/list", {}, ListRootsResultSchema);
        return text(`roots: ${answer.roots.map((r) => r.uri).join(",")}`);
      }
      case "log":
        for (let i = 0; i < (args.count ?? 3); i++) {
          await tell(extra, { method: "notifications/message", params: { level: "info", logger: "probe", data: `${args.tag} ${i}` } });
        }
        // on the GET stream the lines could otherwise trail the answer: a ping behind them is answered after them
        if (mode === "streamable-json") await server.ping();
        return text("logged");
      case "touch": {
        // like a real server whose resource changed: every session subscribed to it hears, not only the caller's,
        // in this process and (through the shared folder) in the others
        const subscribed = [...servers].filter((s) => s.subscriptions?.has(args.uri));
        for (const s of subscribed) await s.sendResourceUpdated({ uri: args.uri });
        let elsewhere = false;
        if (shared) {
          elsewhere = fs.readdirSync(shared.subscribed).some((f) => f.startsWith(key(args.uri) + ".") && f !== `${key(args.uri)}.${process.pid}`);
          fs.writeFileSync(path.join(shared.touched, `${key(args.uri)}.${process.pid}.${Date.now()}`), "");
        }
        return text(subscribed.length > 0 || elsewhere ? "touched" : "not subscribed");
      }
      case "add-tool":
        fs.writeFileSync(path.join(addedDir, `added-${args.tag}`), "");
        return text("added");
      default:
        return { ...text(`unknown tool ${request.params.name}`), isError: true };
    }
  });

  server.setRequestHandler(ListResourcesRequestSchema, async (request) => {
    const start = Number(request.params?.cursor ?? 0);
    const page = { resources: RESOURCES.slice(start, start + PAGE) };
    if (start + PAGE < RESOURCES.length) page.nextCursor = String(start + PAGE);
    return page;
  });
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({ resourceTemplates: [] }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => ({
    contents: [{ uri: request.params.uri, mimeType: "text/plain", text: `content of ${request.params.uri}` }],
  }));
  const mark = (uri) => path.join(shared.subscribed, `${key(uri)}.${process.pid}`);
  server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    subscriptions.add(request.params.uri);
    if (shared) fs.writeFileSync(mark(request.params.uri), "");
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscriptions.delete(request.params.uri);
    if (shared && ![...servers].some((s) => s.subscriptions?.has(request.params.uri))) fs.rmSync(mark(request.params.uri), { force: true });
    return {};
  });
  server.setRequestHandler(ListPromptsRequestSchema, async () => ({
    prompts: [{ name: "greet", description: "greets someone", arguments: [{ name: "name", required: true }] }],
  }));
  server.setRequestHandler(GetPromptRequestSchema, async (request) => ({
    messages: [{ role: "user", content: { type: "text", text: `Hello, ${request.params.arguments?.name}` } }],
  }));
  server.setRequestHandler(CompleteRequestSchema, async (request) => {
    const values = NAMES.filter((n) => n.startsWith(request.params.argument.value));
    return { completion: { values, total: values.length, hasMore: false } };
  });
  server.onclose = () => servers.delete(server);
  servers.add(server);
  return server;
}

// a resource touched through another process of this upstream: this process's subscribers hear too
if (shared) {
  fs.watch(shared.touched, (event, file) => {
    const [encoded, pid] = String(file ?? "").split(".");
    if (!encoded || pid === String(process.pid)) return;
    const uri = Buffer.from(encoded, "base64url").toString();
    for (const s of servers) if (s.subscriptions?.has(uri)) s.sendResourceUpdated({ uri }).catch(() => {});
  });
}

// every session of this process hears that the shared tool folder changed
if (addedDir) {
  fs.watch(addedDir, () => {
    for (const server of servers) server.sendToolListChanged().catch(() => {});
  });
}

const readBody = (req) => new Promise((resolve, reject) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined));
  req.on("error", reject);
});

function listen(handler) {
  const port = Number(process.env.PORT);
  const http = createHttpServer((req, res) => handler(req, res).catch((e) => {
    if (!res.headersSent) res.writeHead(500).end(String(e));
  }));
  http.listen(port, "127.0.0.1", () => console.error(`forge-probe ${mode} listening on port ${port}`));
}

if (mode === "stdio") {
  await newServer(process.env.PROBE_NAME ?? "stdio").connect(new StdioServerTransport());
} else if (mode === "streamable" || mode === "streamable-json") {
  const transports = new Map();
  listen(async (req, res) => {
    const [, name, endpoint] = new URL(req.url, "http://127.0.0.1").pathname.split("/");
    if (endpoint !== "mcp") return void res.writeHead(404).end();
    const id = req.headers["mcp-session-id"];
    const body = req.method === "POST" ? await readBody(req) : undefined;
    let transport = id ? transports.get(id) : undefined;
    if (!transport) {
      if (id || req.method !== "POST") return void res.writeHead(404).end("no such session");
      transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        enableJsonResponse: mode === "streamable-json",
        onsessioninitialized: (sid) => transports.set(sid, transport),
        onsessionclosed: (sid) => transports.delete(sid),
      });
      await newServer(name).connect(transport);
    }
    await transport.handleRequest(req, res, body);
  });
} else if (mode === "sse") {
  const transports = new Map();
  listen(async (req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const [, name, endpoint] = url.pathname.split("/");
    if (req.method === "GET" && endpoint === "sse") {
      const transport = new SSEServerTransport(`/${name}/message`, res);
      transports.set(transport.sessionId, transport);
      res.on("close", () => transports.delete(transport.sessionId));
      await newServer(name).connect(transport);
    } else if (req.method === "POST" && endpoint === "message") {
      const transport = transports.get(url.searchParams.get("sessionId"));
      if (!transport) return void res.writeHead(404).end("no such session");
      await transport.handlePostMessage(req, res, await readBody(req));
    } else {
      res.writeHead(404).end();
    }
  });
} else {
  console.error(`unknown mode ${mode} (expected: stdio | streamable | streamable-json | sse)`);
  process.exit(2);
}
