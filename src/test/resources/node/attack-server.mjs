// A stdio MCP server that attacks the gateway that started it, for the hostile-input suite. Plain Node,
// newline-delimited JSON-RPC. ATTACK (environment) picks what it does beyond its tools:
//   pages  - tools/list never ends: every page has 1,000 tools and a next cursor
//   exit   - exits at once, before answering anything
//   mute   - reads everything, answers nothing (not even initialize)
// and the tool grow turns it into pages, announcing that its tools changed.
// Tools: big {mb, idLast} answers with a text of mb MiB (the id first, or last as some serializers write it);
// chatty {lines} writes that many non-JSON lines (with control bytes) to stdout and stderr, then answers;
// garbage writes junk, then answers; hang never answers; crash exits mid-call.
import { appendFileSync } from "node:fs";
import { createInterface } from "node:readline";

let attack = process.env.ATTACK ?? "";
const started = process.env.STARTS_FILE;
if (started) appendFileSync(started, "started\n");
if (attack === "exit") process.exit(3);

const write = (text) => new Promise((resolve) => (process.stdout.write(text) ? resolve() : process.stdout.once("drain", resolve)));
// one message at a time: the writes of concurrent answers must not interleave within a line
let queue = Promise.resolve();
const exclusive = (fn) => (queue = queue.then(fn));
const send = (message) => exclusive(() => write(JSON.stringify(message) + "\n"));
const text = (id, t) => send({ jsonrpc: "2.0", id, result: { content: [{ type: "text", text: t }] } });
const tool = (name) => ({ name, description: `the ${name} attack`, inputSchema: { type: "object", properties: {} } });

const big = (id, mb, idLast) => exclusive(async () => {
  const chunk = "x".repeat(1024 * 1024);
  const open = `{"jsonrpc":"2.0"${idLast ? "" : `,"id":${id}`},"result":{"content":[{"type":"text","text":"`;
  await write(open);
  for (let i = 0; i < mb; i++) await write(chunk);
  await write(`"}]}${idLast ? `,"id":${id}` : ""}}\n`);
});

const chatty = async (id, lines) => {
  for (let i = 0; i < lines; i++) {
    await exclusive(() => write(`noise ${i} \u001b[31mred\u001b[0m \u0007bell\r\n`));
    process.stderr.write(`stderr noise ${i} \u001b[2J\n`);
  }
  await text(id, "after noise");
};

const page = (cursor) => {
  const n = Number(cursor ?? 0);
  return { tools: Array.from({ length: 1000 }, (_, i) => tool(`t${n}_${i}`)), nextCursor: String(n + 1) };
};

createInterface({ input: process.stdin, crlfDelay: Infinity }).on("line", (line) => {
  if (!line.trim() || attack === "mute") return;
  const msg = JSON.parse(line);
  if (msg.id === undefined) return;
  const args = msg.params?.arguments ?? {};
  switch (msg.method) {
    case "initialize":
      return send({ jsonrpc: "2.0", id: msg.id, result: { protocolVersion: msg.params.protocolVersion,
        capabilities: { tools: {} }, serverInfo: { name: "attack", version: "1.0.0" } } });
    case "ping": return send({ jsonrpc: "2.0", id: msg.id, result: {} });
    case "tools/list":
      return send({ jsonrpc: "2.0", id: msg.id, result: attack === "pages" ? page(msg.params?.cursor)
        : { tools: ["big", "chatty", "garbage", "hang", "crash", "grow", "echo"].map(tool) } });
    case "tools/call":
      switch (msg.params.name) {
        case "big": return big(msg.id, Number(args.mb ?? 33), Boolean(args.idLast));
        case "chatty": return chatty(msg.id, Number(args.lines ?? 1500));
        case "garbage": return exclusive(() => write("\u0000\u00ff{{{ not json\n[1,2\n")).then(() => text(msg.id, "after garbage"));
        case "hang": return;
        case "crash": return process.exit(7);
        case "grow":
          attack = "pages";
          return send({ jsonrpc: "2.0", method: "notifications/tools/list_changed" }).then(() => text(msg.id, "grown"));
        default: return text(msg.id, `echo: ${args.message ?? ""}`);
      }
    default: return send({ jsonrpc: "2.0", id: msg.id, error: { code: -32601, message: `Method not found: ${msg.method}` } });
  }
});
