-- wrk script for Forge's benchmarks: one MCP tools/call per request over Streamable HTTP.
-- Every request carries its own JSON-RPC id; an answer is good only if it is HTTP 200 and holds the echoed text
-- ("hello world"), so a JSON-RPC error sent with HTTP 200 counts as bad.
-- Environment: MCP_SID (session id from initialize; empty for none), MCP_TOOL (a tool whose answer holds the
-- message; default "echo"), MCP_TOKEN (a bearer token, sent as Authorization when set), MCP_CALLS (optional: each
-- wrk thread stops after this many answers, so -t1 makes it a bounded number of calls; -d still bounds the run).
-- Prints one line:
--   rps=… p50_ms=… p99_ms=… good=… bad=… socket_errors=… non2xx=… sent=…
-- and, when any answer was bad or any socket error happened, a line starting "FAILED" on standard error, and
-- exits with status 1 (so a run full of errors cannot pass for a clean one).
local session = os.getenv("MCP_SID") or ""
local token = os.getenv("MCP_TOKEN") or ""
local tool_name = os.getenv("MCP_TOOL") or "echo"
local limit = tonumber(os.getenv("MCP_CALLS") or "") or 0

-- Each wrk thread runs this file in its own Lua state: the counters below are per thread. setup() runs in the
-- main state for every thread before it starts; it keeps the thread objects so done() can read their counters.
local threads = {}

function setup(thread)
  thread:set("thread_no", #threads)
  table.insert(threads, thread)
end

-- per-thread counters: globals, so that thread:get can read them from done()
sent = 0
good = 0
bad = 0

function request()
  sent = sent + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json, text/event-stream",
    ["mcp-protocol-version"] = "2025-06-18",
  }
  if session ~= "" then headers["mcp-session-id"] = session end
  if token ~= "" then headers["Authorization"] = "Bearer " .. token end
  local body = string.format(
    '{"jsonrpc":"2.0","id":"t%d-%d","method":"tools/call","params":{"name":"%s","arguments":{"message":"hello world"}}}',
    thread_no, sent, tool_name)
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if status == 200 and body:find("hello world", 1, true) then good = good + 1 else bad = bad + 1 end
  if limit > 0 and good + bad >= limit then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local total_good, total_bad, total_sent = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_good = total_good + (thread:get("good") or 0)
    total_bad = total_bad + (thread:get("bad") or 0)
    total_sent = total_sent + (thread:get("sent") or 0)
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format("rps=%.0f p50_ms=%.2f p99_ms=%.2f good=%d bad=%d socket_errors=%d non2xx=%d sent=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    total_good, total_bad, socket_errors, e.status, total_sent))
  io.stdout:flush()
  if total_bad > 0 or socket_errors > 0 or total_good == 0 then
    io.stderr:write(string.format("FAILED: %d bad answers (not HTTP 200 with the echoed text), %d socket errors, %d good\n",
      total_bad, socket_errors, total_good))
    io.stderr:flush()
    os.exit(1)
  end
end
