"""Opens COUNT MCP sessions on a Streamable HTTP endpoint and keeps them (no DELETE): initialize, then
notifications/initialized, over a few keep-alive connections to 127.0.0.1. Prints how many were opened.
Usage: python3 bench/sessions.py PORT TOKEN COUNT [CONNECTIONS]"""
import http.client
import json
import sys
import threading

port, token, count = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
connections = int(sys.argv[4]) if len(sys.argv) > 4 else 4
INIT = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench-memory", "version": "1"}}})
INITIALIZED = json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"})
HEADERS = {"Authorization": "Bearer " + token, "Content-Type": "application/json",
           "Accept": "application/json, text/event-stream"}
opened = []
failures = []


def post(conn, body, headers):
    conn.request("POST", "/mcp", body=body, headers=headers)
    answer = conn.getresponse()
    data = answer.read()
    return answer, data


def worker(n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    done = 0
    try:
        for _ in range(n):
            answer, data = post(conn, INIT, HEADERS)
            sid = answer.getheader("mcp-session-id")
            if answer.status != 200 or not sid:
                failures.append("initialize: HTTP %d %s" % (answer.status, data[:200]))
                return
            answer, data = post(conn, INITIALIZED, dict(HEADERS, **{"mcp-session-id": sid,
                                                                  "mcp-protocol-version": "2025-06-18"}))
            if answer.status not in (200, 202):
                failures.append("notifications/initialized: HTTP %d %s" % (answer.status, data[:200]))
                return
            done += 1
    except Exception as e:  # a refused or reset connection ends this worker; the count shows it
        failures.append(repr(e))
    finally:
        opened.append(done)
        conn.close()


threads = [threading.Thread(target=worker, args=(count // connections + (1 if i < count % connections else 0),))
           for i in range(connections)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(sum(opened))
if failures:
    print("bench: " + failures[0], file=sys.stderr)
    sys.exit(1)
